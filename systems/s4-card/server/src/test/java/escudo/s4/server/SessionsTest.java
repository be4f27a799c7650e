package escudo.s4.server;

import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.bank.Bank;
import escudo.core.EscudoException;
import escudo.core.Money;
import escudo.crypto.Hpke;
import escudo.crypto.SecretBox;
import escudo.crypto.SigningKey;
import escudo.s4.protocol.P256;
import escudo.s4.session.Envelope;
import escudo.s4.session.MemberSession;
import escudo.s4.session.Order;
import escudo.s4.session.Outcome;
import escudo.s4.session.Part;
import escudo.s4.session.Provider;
import escudo.s4.session.ReplyTree;
import escudo.s4.session.SessionException;
import escudo.s4.session.SessionOptions;
import escudo.s4.session.testing.TestCard;
import escudo.storage.Database;
import escudo.testing.TestDatabase;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bank as the provider on its database (H2, or PostgreSQL when escudo.test.jdbcUrl names one):
 * the largest message the protocol allows is answered and stored, and copies of one message sent at
 * once are carried out once.
 */
class SessionsTest {

    private final Database db = TestDatabase.create();
    private final Bank bank = new Bank("bank-1", SigningKey.generate().verifyingKey(), db, Clock.systemUTC());
    private final Provider provider = new Provider("bank-1", SigningKey.generate(), Hpke.Recipient.generate());
    private final Sessions sessions = new Sessions(bank, db, Clock.systemUTC(), provider, SecretBox.derive(new byte[32], null, "s4-sessions"));

    @AfterEach
    void close() {
        db.close();
    }

    /** A series: member 0 first, each next one combining what came with its own part. */
    private static Envelope series(List<MemberSession> members, List<TestCard> cards, Function<MemberSession, Part> part) {
        Envelope envelope = new Envelope.Single(part.apply(members.getFirst()));
        for (int i = 1; i < members.size(); i++) {
            envelope = Envelope.combine(List.of(envelope), part.apply(members.get(i)), cards.get(i));
        }
        return envelope;
    }

    @Test
    void theLongestSeriesWithHybridKeysIsAnsweredAndStoredAndOneMoreMemberIsMalformed() {
        List<TestCard> cards = new ArrayList<>();
        List<MemberSession> members = new ArrayList<>();
        for (int i = 0; i <= Envelope.MAX_PARTS; i++) {
            TestCard card = new TestCard();
            bank.openCustomer("m" + i, "member " + i, Money.parse("10.00 EUR"));
            sessions.register("m" + i, P256.encode(card.publicKey()));
            cards.add(card);
            members.add(MemberSession.start(provider.keys(), card, new SessionOptions(false, true, true), ""));
        }
        Envelope tooMany = series(members, cards, MemberSession::request);
        assertRefused(SessionException.MALFORMED, () -> sessions.handle(Envelope.decode(tooMany.encode())));
        Envelope longest = series(members.subList(0, Envelope.MAX_PARTS), cards, MemberSession::request);
        ReplyTree reply = sessions.handle(Envelope.decode(longest.encode()));
        assertEquals(reply.encode().length, sessions.handle(Envelope.decode(longest.encode())).encode().length, "stored and answered again");
        assertTrue(reply.encode().length > 100_000, "the reply grows with the square of the members: " + reply.encode().length);
    }

    @Test
    void aKeyExchangeRequestReplayedInAnotherMessageIsRefusedAndKeepsNothing() {
        TestCard alice = new TestCard();
        TestCard bob = new TestCard();
        bank.openCustomer("alice", "Alice", Money.parse("10.00 EUR"));
        bank.openCustomer("bob", "Bob", Money.parse("10.00 EUR"));
        sessions.register("alice", P256.encode(alice.publicKey()));
        sessions.register("bob", P256.encode(bob.publicKey()));
        MemberSession first = MemberSession.start(provider.keys(), alice, SessionOptions.DEFAULT, "");
        sessions.handle(new Envelope.Single(first.request()));
        Envelope replayed = Envelope.combine(List.of(new Envelope.Single(first.request())),
                MemberSession.start(provider.keys(), bob, SessionOptions.DEFAULT, "").request(), bob);
        assertRefused(SessionException.REPLAYED, () -> sessions.handle(replayed));
        assertEquals(1, (long) db.inTransaction(tx -> tx.queryOne("SELECT COUNT(*) FROM s4_session_member", r -> r.getLong(1)).orElseThrow()),
                "only the first exchange is kept, Bob's part of the replay neither");
    }

    @Test
    void copiesOfOneTransactionSentAtOnceArePaidOnceAndEachGetsTheReplyOrIsTold() throws Exception {
        bank.openMerchant("power-co", "Power Co", "EUR", SigningKey.generate().verifyingKey());
        TestCard card = new TestCard();
        bank.openCustomer("alice", "Alice", Money.parse("10.00 EUR"));
        sessions.register("alice", P256.encode(card.publicKey()));
        MemberSession alice = MemberSession.start(provider.keys(), card, SessionOptions.DEFAULT, "");
        alice.keyed(sessions.handle(new Envelope.Single(alice.request())).own());
        Envelope tx = new Envelope.Single(alice.transaction(new Order("alice", Money.parse("3.00 EUR"), "power-co", "bill"), ""));
        List<Callable<String>> copies = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            copies.add(() -> {
                try {
                    return HexFormat.of().formatHex(sessions.handle(Envelope.decode(tx.encode())).encode());
                } catch (EscudoException e) {
                    return e.code().value();
                }
            });
        }
        List<String> answers = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
            for (Future<String> answer : threads.invokeAll(copies)) {
                answers.add(answer.get());
            }
        }
        String reply = answers.stream().filter(a -> !a.startsWith("s4.")).findFirst().orElseThrow(() -> new AssertionError(answers));
        assertTrue(answers.stream().allMatch(a -> a.equals(reply) || a.equals(SessionException.REPLAYED.value())), answers.toString());
        assertEquals(Outcome.PAID, alice.outcome(ReplyTree.decode(HexFormat.of().parseHex(reply)).own()).status());
        assertEquals(Money.parse("7.00 EUR"), bank.customerBalance("alice"), "paid once");
        assertEquals(Money.parse("3.00 EUR"), bank.merchantBalance("power-co"));
    }
}
