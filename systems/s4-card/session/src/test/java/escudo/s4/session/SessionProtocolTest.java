package escudo.s4.session;

import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.core.EscudoException;
import escudo.core.Money;
import escudo.crypto.Hpke;
import escudo.crypto.SigningKey;
import escudo.s4.protocol.P256;
import escudo.s4.session.testing.TestCard;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Seed 004, claims 13-53, one test per claim or rule, on the protocol alone: the provider's end
 * with an in-memory host, members with card keys in the JDK. The provider's node over HTTP, the
 * cards of part 1 and the hops in processes of their own are the terminal's and the server's tests.
 */
class SessionProtocolTest {

    private static final Money SHARE = Money.parse("30.00 EUR");

    private final Provider provider = new Provider("bank", SigningKey.generate(), Hpke.Recipient.generate());
    private final Map<String, String> customers = new HashMap<>();
    private final Map<String, MemberState> states = new HashMap<>();
    private final List<Provider.Ordered> carriedOut = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();

    private TestCard member(String customer) {
        TestCard card = new TestCard();
        customers.put(java.util.HexFormat.of().formatHex(P256.encode(card.publicKey())), customer);
        return card;
    }

    private ReplyTree keyExchange(Envelope envelope) {
        Provider.Exchange exchange = provider.keyExchange(Envelope.decode(envelope.encode()), "ses-" + ids.incrementAndGet(),
                () -> "tx-" + ids.incrementAndGet(), key -> {
                    String customer = customers.get(java.util.HexFormat.of().formatHex(P256.encode(key)));
                    if (customer == null) {
                        throw new SessionException(SessionException.UNKNOWN_MEMBER, "no such member");
                    }
                    return customer;
                });
        keep(exchange);
        return ReplyTree.decode(exchange.reply().encode());
    }

    private ReplyTree transaction(Envelope envelope) {
        Provider.Exchange exchange = provider.transaction(Envelope.decode(envelope.encode()), this::state, orders -> {
            carriedOut.addAll(orders);
            return orders.stream().map(o -> new Outcome(o.order().amount().minorUnits() == 0 ? Outcome.APPROVED : Outcome.PAID, "",
                    o.order().amount(), "rcpt-" + o.member().transactionId())).toList();
        });
        keep(exchange);
        return ReplyTree.decode(exchange.reply().encode());
    }

    private ReplyTree acknowledgement(Envelope envelope) {
        Provider.Exchange exchange = provider.acknowledgement(Envelope.decode(envelope.encode()), this::state);
        keep(exchange);
        return exchange.reply();
    }

    private MemberState state(String transactionId) {
        MemberState state = states.get(transactionId);
        if (state == null) {
            throw new SessionException(SessionException.UNKNOWN_TRANSACTION, "no such transaction");
        }
        return state;
    }

    private void keep(Provider.Exchange exchange) {
        exchange.states().forEach(s -> states.put(s.transactionId(), s));
    }

    private MemberSession start(TestCard card, SessionOptions options) {
        return MemberSession.start(provider.keys(), card, options, "electricity, November");
    }

    private static Order share(String account) {
        return new Order(account, SHARE, "power-co", "bill 2026-11 #4471");
    }

    private static Envelope single(Part part) {
        return new Envelope.Single(part);
    }

    /** One member through all three phases; returns the outcome. */
    private Outcome alone(MemberSession session, Order order) {
        session.keyed(own(keyExchange(single(session.request()))));
        Outcome outcome = session.outcome(own(transaction(single(session.transaction(order, "pay my share")))));
        session.ended(own(acknowledgement(single(session.acknowledgement("thanks", "ack")))));
        return outcome;
    }

    private Part own(ReplyTree tree) {
        tree.verify(provider.keys().signing(), 0);
        return tree.own();
    }

    @Test
    void claims13And14And28_theKeyExchangeGivesOneSessionKeyAndBothChallengesAreAnswered() {
        MemberSession alice = start(member("alice"), SessionOptions.DEFAULT);
        alice.keyed(own(keyExchange(single(alice.request()))));
        MemberState kept = states.get(alice.transactionId());
        assertEquals("alice", kept.customerId());
        assertEquals(Phase.TRANSACTION, kept.next());
        Outcome outcome = alice.outcome(own(transaction(single(alice.transaction(share("alice"), "")))));
        assertEquals(new Outcome(Outcome.PAID, "", SHARE, "rcpt-" + alice.transactionId()), outcome);
        assertEquals(share("alice"), carriedOut.getFirst().order(), "the provider read the order the member sealed");
    }

    @Test
    void claims15To22_theTransactionIsSealedSignedAndAnsweredWithTheTransactionIdAndPlainText() {
        MemberSession alice = start(member("alice"), SessionOptions.DEFAULT);
        alice.keyed(own(keyExchange(single(alice.request()))));
        Part request = alice.transaction(share("customer:alice"), "my share of the bill");
        Bodies.TxRequest tx = Bodies.TxRequest.decode(request.body());
        assertEquals(alice.transactionId(), tx.transactionId(), "claim 18");
        assertEquals("my share of the bill", tx.plain(), "claim 17");
        String body = new String(request.body(), StandardCharsets.ISO_8859_1);
        assertFalse(body.contains("customer:alice") || body.contains("#4471") || body.contains("power-co"), "claim 16: sealed");
        ReplyTree reply = transaction(single(request));
        Bodies.TxReply answer = Bodies.TxReply.decode(reply.own().body());
        assertEquals(alice.transactionId(), answer.transactionId(), "claim 22");
        assertEquals(Outcome.PAID, answer.plain(), "claim 21");
        assertFalse(new String(answer.sealed(), StandardCharsets.ISO_8859_1).contains("rcpt-"), "claim 20: sealed for the member");
        assertEquals(Outcome.PAID, alice.outcome(own(reply)).status());
    }

    @Test
    void claims23To27_theAcknowledgementEndsTheSessionAndItsKeysOpenNothingMore() {
        MemberSession alice = start(member("alice"), SessionOptions.DEFAULT);
        alice.keyed(own(keyExchange(single(alice.request()))));
        Part tx = alice.transaction(share("alice"), "");
        alice.outcome(own(transaction(single(tx))));
        Part ack = alice.acknowledgement("received, thank you", "ack");
        assertEquals(alice.transactionId(), Bodies.Ack.decode(ack.body()).transactionId(), "claim 26");
        assertFalse(new String(ack.body(), StandardCharsets.UTF_8).contains("received, thank you"), "claims 24, 27: sealed");
        alice.ended(own(acknowledgement(single(ack))));
        assertEquals(null, states.get(alice.transactionId()).next());
        assertRefused(SessionException.ENDED, () -> acknowledgement(single(ack)));
        assertRefused(SessionException.ENDED, () -> transaction(single(tx)));
        assertRefused(SessionException.ENDED, () -> alice.transaction(share("alice"), ""));
    }

    @Test
    void claim29_eachSessionSealsToAFreshKey() {
        TestCard card = member("alice");
        byte[] first = Bodies.KxRequest.decode(start(card, SessionOptions.DEFAULT).request().body()).sessionKey();
        byte[] second = Bodies.KxRequest.decode(start(card, SessionOptions.DEFAULT).request().body()).sessionKey();
        assertEquals(32, first.length);
        assertFalse(java.util.Arrays.equals(first, second));
    }

    @Test
    void claims30And31_plainTextBesideTheCryptogramAndTheMembersKeysSealedWhenItChooses() {
        TestCard card = member("alice");
        MemberSession sealed = start(card, new SessionOptions(false, false, true));
        Bodies.KxRequest request = Bodies.KxRequest.decode(sealed.request().body());
        assertEquals("electricity, November", request.plain(), "claim 30");
        assertEquals(0, request.identity().length + request.sessionKey().length, "claim 31");
        assertFalse(indexOf(sealed.request().body(), P256.encode(card.publicKey())) >= 0, "the card key is nowhere in plain");
        assertEquals(Outcome.PAID, alone(sealed, share("alice")).status());
    }

    @Test
    void claim32_eachEndSealsWhatTheOtherAloneReads() {
        MemberSession alice = MemberSession.start(provider.keys(), member("alice"), SessionOptions.DEFAULT, "", "invoice 4471, flat 3B");
        assertFalse(new String(alice.request().body(), StandardCharsets.UTF_8).contains("4471"), "sealed for the provider");
        ReplyTree reply = keyExchange(single(alice.request()));
        assertEquals("invoice 4471, flat 3B", states.get(Bodies.KxReply.decode(reply.own().body()).transactionId()).note());
        assertFalse(new String(reply.own().body(), StandardCharsets.UTF_8).contains("alice"), "sealed for the member");
        alice.keyed(own(reply));
        assertEquals("alice", alice.knownAs(), "the account the provider knows the card by, before any money moves");
        assertThrows(SessionException.class, () -> MemberSession.start(provider.keys(), member("bob"), SessionOptions.DEFAULT, "", "x".repeat(201)));
    }

    @Test
    void claims33To37_theSecondCryptogramCarriesTheChallengeAnswerAndTheTransactionIdWhichTheNextMessageUses() {
        MemberSession alice = start(member("alice"), SessionOptions.DEFAULT);
        ReplyTree reply = keyExchange(single(alice.request()));
        Bodies.KxReply kx = Bodies.KxReply.decode(reply.own().body());
        assertTrue(kx.transactionId().startsWith("tx-"), "claim 35: in plain text");
        alice.keyed(own(reply));
        assertEquals(kx.transactionId(), alice.transactionId(), "claim 34: sealed too, and the two agree");
        assertEquals(alice.transactionId(), Bodies.TxRequest.decode(alice.transaction(share("alice"), "").body()).transactionId(), "claims 36, 37");
    }

    @Test
    void aReplyThatAnswersAnotherMembersRequestOrIsAlteredIsRefusedByTheMember() {
        MemberSession alice = start(member("alice"), SessionOptions.DEFAULT);
        MemberSession bob = start(member("bob"), SessionOptions.DEFAULT);
        ReplyTree toAlice = keyExchange(single(alice.request()));
        ReplyTree toBob = keyExchange(single(bob.request()));
        assertRefused(SessionException.NOT_FOR_THIS_MEMBER, () -> alice.keyed(toBob.own()));
        byte[] altered = toAlice.own().body();
        altered[altered.length - 1] ^= 1;
        assertRefused(SessionException.PROVIDER_NOT_AUTHENTIC, () -> alice.keyed(new Part(Phase.KEY_EXCHANGE, altered, toAlice.own().signature())));
        Provider impostor = new Provider("bank", SigningKey.generate(), Hpke.Recipient.generate());
        assertRefused(SessionException.PROVIDER_NOT_AUTHENTIC, () -> toAlice.verify(impostor.keys().signing(), 0));
        alice.keyed(toAlice.own());
    }

    @Test
    void everyAlteredByteOfARequestIsRefusedAndChangesNothing() {
        MemberSession alice = start(member("alice"), SessionOptions.DEFAULT);
        byte[] encoded = single(alice.request()).encode();
        for (int i = 0; i < encoded.length; i += 7) {
            byte[] altered = encoded.clone();
            altered[i] ^= 0x20;
            EscudoException refused = assertThrows(EscudoException.class, () -> keyExchange(Envelope.decode(altered)), "byte " + i);
            assertEquals(SessionException.class, refused.getClass(), "byte " + i + ": " + refused.code());
        }
        assertTrue(states.isEmpty(), "nothing kept");
        alice.keyed(own(keyExchange(Envelope.decode(encoded))));
    }

    @Test
    void anUnknownCardATransactionReplayedOrOutOfOrderAndASignatureByAnotherKeyAreRefused() {
        assertRefused(SessionException.UNKNOWN_MEMBER, () -> keyExchange(single(start(new TestCard(), SessionOptions.DEFAULT).request())));
        TestCard card = member("alice");
        MemberSession alice = start(card, SessionOptions.DEFAULT);
        alice.keyed(own(keyExchange(single(alice.request()))));
        Part tx = alice.transaction(share("alice"), "");
        Part forged = new Part(Phase.TRANSACTION, tx.body(), new TestCard().sign(escudo.crypto.Digest.sha256(tx.body())));
        assertRefused(SessionException.BAD_SIGNATURE, () -> transaction(single(forged)));
        byte[] early = new Bodies.Ack(alice.transactionId(), states.get(alice.transactionId()).transcript(), new byte[0], "").encode();
        assertRefused(SessionException.OUT_OF_ORDER, () -> acknowledgement(single(new Part(Phase.ACKNOWLEDGEMENT, early,
                card.sign(escudo.crypto.Digest.sha256(early))))));
        assertRefused(SessionException.OUT_OF_ORDER, () -> alice.acknowledgement(null, ""));
        transaction(single(tx));
        assertRefused(SessionException.REPLAYED, () -> transaction(single(tx)));
        assertEquals(1, carriedOut.size(), "the order was carried out once");
        assertRefused(SessionException.UNKNOWN_TRANSACTION, () -> provider.transaction(single(tx), id -> state("tx-none"), o -> List.of()));
    }

    @Test
    void aTransactionWithoutTheAnswerToTheProvidersChallengeIsRefused() {
        MemberSession alice = start(member("alice"), SessionOptions.DEFAULT);
        TestCard card = new TestCard();
        customers.put(java.util.HexFormat.of().formatHex(P256.encode(card.publicKey())), "mallory");
        MemberSession mallory = start(card, SessionOptions.DEFAULT);
        alice.keyed(own(keyExchange(single(alice.request()))));
        mallory.keyed(own(keyExchange(single(mallory.request()))));
        MemberState state = states.get(mallory.transactionId());
        SessionKeys keys = SessionKeys.derive(state.secret(), state.salt());
        byte[] transcript = state.transcript();
        byte[] sealed = keys.memberToProvider().seal(new Bodies.Sealed(share("mallory"), new byte[32]).encode(),
                Bodies.aad(Bodies.TxRequest.TAG, mallory.transactionId(), transcript, ""));
        byte[] body = new Bodies.TxRequest(mallory.transactionId(), transcript, sealed, "").encode();
        assertRefused(SessionException.CHALLENGE_FAILED, () -> transaction(single(new Part(Phase.TRANSACTION, body, card.sign(escudo.crypto.Digest.sha256(body))))));
        assertTrue(carriedOut.isEmpty());
    }

    /** Claims 38-40, 48: two members, the second combining the first's messages with its own; each reads its own reply only. */
    @Test
    void claims38To40And48_twoMembersCombinedAndSplit() {
        TestCard aliceCard = member("alice");
        TestCard bobCard = member("bob");
        MemberSession alice = start(aliceCard, SessionOptions.DEFAULT);
        MemberSession bob = start(bobCard, SessionOptions.DEFAULT);
        Envelope kx = Envelope.combine(List.of(single(alice.request())), bob.request(), bobCard);
        ReplyTree reply = keyExchange(kx);
        reply.verify(provider.keys().signing(), 1);
        bob.keyed(reply.own());
        ReplyTree toAlice = reply.children().getFirst();
        assertRefused(SessionException.NOT_FOR_THIS_MEMBER, () -> alice.keyed(reply.own()));
        alice.keyed(own(toAlice));
        assertEquals(List.of(bobCard.publicKey()), alice.others(), "claim 48: the provider gives each the others' keys");
        assertEquals(List.of(aliceCard.publicKey()), bob.others());

        Part aliceTx = alice.transaction(share("alice"), "");
        assertRefused(SessionException.NOT_FOR_THIS_MEMBER, () -> bob.read(aliceTx));
        Envelope tx = Envelope.combine(List.of(single(aliceTx)), bob.transaction(share("bob"), ""), bobCard);
        assertRefused(SessionException.INCOMPLETE, () -> transaction(single(aliceTx))); // a member of the session alone pays nothing
        ReplyTree txReply = transaction(tx);
        txReply.verify(provider.keys().signing(), 1);
        assertEquals(Outcome.PAID, bob.outcome(txReply.own()).status());
        assertEquals(Outcome.PAID, alice.outcome(own(txReply.children().getFirst())).status());
        assertEquals(2, carriedOut.size());
        Envelope ack = Envelope.combine(List.of(single(alice.acknowledgement(null, "ok"))), bob.acknowledgement(null, "ok"), bobCard);
        ReplyTree ended = acknowledgement(ack);
        bob.ended(ended.own());
        alice.ended(ended.children().getFirst().own());
    }

    /**
     * Claims 41-42, 46, 49, 52: members in series, the second a participant, the third a router that
     * forwards as it came, the fourth a participant; a router can read nothing and change nothing unnoticed.
     */
    @Test
    void claims41And42And46_membersInSeriesWithRoutersAndParticipants() {
        TestCard aliceCard = member("alice");
        TestCard bobCard = member("bob");
        TestCard carolCard = member("carol");
        for (boolean shared : new boolean[] {false, true}) {
            SessionOptions options = new SessionOptions(shared, false, false);
            MemberSession alice = start(aliceCard, options);
            MemberSession bob = start(bobCard, options);
            MemberSession carol = start(carolCard, options);
            Envelope atBob = Envelope.combine(List.of(single(alice.request())), bob.request(), bobCard);
            Envelope routed = Envelope.decode(atBob.encode()); // the router passes it on unchanged
            Envelope atCarol = Envelope.combine(List.of(routed), carol.request(), carolCard);
            ReplyTree reply = keyExchange(atCarol);
            reply.verify(provider.keys().signing(), 1);
            carol.keyed(reply.own());
            ReplyTree back = reply.children().getFirst(); // the router passes the rest back the way it came
            back.verify(provider.keys().signing(), 1);
            bob.keyed(back.own());
            alice.keyed(own(back.children().getFirst()));
            assertEquals(2, alice.others().size(), "claims 49, 52");

            Part aliceTx = alice.transaction(share("alice"), "");
            if (shared) {
                assertEquals(share("alice"), bob.read(aliceTx), "claim 46: one key, every member reads every part");
            }
            Envelope tx = Envelope.combine(List.of(Envelope.combine(List.of(single(aliceTx)), bob.transaction(share("bob"), ""), bobCard)),
                    carol.transaction(share("carol"), ""), carolCard);
            ReplyTree txReply = transaction(tx);
            assertEquals(Outcome.PAID, carol.outcome(txReply.own()).status());
            assertEquals(Outcome.PAID, bob.outcome(txReply.children().getFirst().own()).status());
            assertEquals(Outcome.PAID, alice.outcome(txReply.children().getFirst().children().getFirst().own()).status());
        }
        assertEquals(6, carriedOut.size());
    }

    /** Claims 43-44, 47, 50, 53: a hierarchy X(j,k): two employees under a manager under a director, one answer for all. */
    @Test
    void claims43And44And47_membersInAHierarchy() {
        TestCard[] cards = {member("erin"), member("frank"), member("grace"), member("heidi")};
        MemberSession erin = start(cards[0], SessionOptions.DEFAULT);
        MemberSession frank = start(cards[1], SessionOptions.DEFAULT);
        MemberSession grace = start(cards[2], SessionOptions.DEFAULT); // manager X(2,1)
        MemberSession heidi = start(cards[3], SessionOptions.DEFAULT); // director X(3,1)
        Envelope atGrace = Envelope.combine(List.of(single(erin.request()), single(frank.request())), grace.request(), cards[2]);
        ReplyTree reply = keyExchange(Envelope.combine(List.of(atGrace), heidi.request(), cards[3]));
        heidi.keyed(reply.own());
        ReplyTree toGrace = reply.children().getFirst();
        toGrace.verify(provider.keys().signing(), 2);
        grace.keyed(toGrace.own());
        erin.keyed(own(toGrace.children().get(0)));
        frank.keyed(own(toGrace.children().get(1)));
        assertEquals(3, erin.others().size(), "claims 50, 53");

        Order approve = new Order("heidi", Money.parse("0.00 EUR"), "expenses", "approved: team offsite");
        Envelope tx = Envelope.combine(List.of(Envelope.combine(List.of(single(erin.transaction(new Order("erin", Money.parse("120.00 EUR"),
                                "hotel", "offsite"), "")), single(frank.transaction(new Order("frank", Money.parse("80.00 EUR"), "rail", "offsite"), ""))),
                        grace.transaction(new Order("grace", Money.parse("0.00 EUR"), "expenses", "approved"), ""), cards[2])),
                heidi.transaction(approve, ""), cards[3]);
        ReplyTree txReply = transaction(tx);
        assertEquals(Outcome.APPROVED, heidi.outcome(txReply.own()).status());
        assertEquals(Outcome.PAID, erin.outcome(txReply.children().getFirst().children().get(0).own()).status());
        assertEquals(4, carriedOut.size());
    }

    @Test
    void aRouterThatReordersDropsSwapsOrAltersPartsIsCaught() {
        TestCard[] cards = {member("erin"), member("frank"), member("grace")};
        MemberSession erin = start(cards[0], SessionOptions.DEFAULT);
        MemberSession frank = start(cards[1], SessionOptions.DEFAULT);
        MemberSession grace = start(cards[2], SessionOptions.DEFAULT);
        Envelope.Combined honest = Envelope.combine(List.of(single(erin.request()), single(frank.request())), grace.request(), cards[2]);
        List<Envelope> reordered = List.of(honest.children().get(1), honest.children().get(0));
        assertRefused(SessionException.BAD_SIGNATURE, () -> keyExchange(new Envelope.Combined(reordered, honest.own(), honest.signature())));
        assertRefused(SessionException.BAD_SIGNATURE, () -> keyExchange(new Envelope.Combined(List.of(honest.children().getFirst()),
                honest.own(), honest.signature())));
        assertTrue(states.isEmpty());
        ReplyTree reply = keyExchange(honest);
        ReplyTree swapped = new ReplyTree(reply.own(), List.of(reply.children().get(1), reply.children().get(0)), reply.signature());
        assertRefused(SessionException.PROVIDER_NOT_AUTHENTIC, () -> swapped.verify(provider.keys().signing(), 2));
        assertRefused(SessionException.REPLY_INCOMPLETE, () -> new ReplyTree(reply.own(), List.of(reply.children().getFirst()),
                reply.signature()).verify(provider.keys().signing(), 2));
        assertRefused(SessionException.NOT_FOR_THIS_MEMBER, () -> erin.keyed(reply.children().get(1).own())); // re-addressed to another member
        erin.keyed(reply.children().get(0).own());
    }

    @Test
    void aPartDuplicatedInACombinedMessageIsRefusedAndChangesNothing() {
        TestCard aliceCard = member("alice");
        TestCard bobCard = member("bob");
        MemberSession alice = start(aliceCard, SessionOptions.DEFAULT);
        MemberSession bob = start(bobCard, SessionOptions.DEFAULT);
        assertRefused(SessionException.INCOMPLETE, () -> keyExchange(Envelope.combine(List.of(single(alice.request()), single(alice.request())),
                bob.request(), bobCard)));
        assertTrue(states.isEmpty(), "nothing kept");
        ReplyTree reply = keyExchange(Envelope.combine(List.of(single(alice.request())), bob.request(), bobCard));
        bob.keyed(reply.own());
        alice.keyed(reply.children().getFirst().own());
        Part aliceTx = alice.transaction(share("alice"), "");
        Part bobTx = bob.transaction(share("bob"), "");
        assertRefused(SessionException.INCOMPLETE, () -> transaction(Envelope.combine(List.of(single(aliceTx), single(aliceTx)), bobTx, bobCard)));
        assertTrue(carriedOut.isEmpty(), "nothing paid");
        transaction(Envelope.combine(List.of(single(aliceTx)), bobTx, bobCard));
        assertEquals(2, carriedOut.size());
    }

    @Test
    void aReplayedKeyExchangeGivesNewStatesWithTheSameRequestHashWhichTheHostRefuses() {
        MemberSession alice = start(member("alice"), SessionOptions.DEFAULT);
        Envelope kx = single(alice.request());
        keyExchange(kx);
        List<MemberState> again = provider.keyExchange(kx, "ses-x", () -> "tx-x", key -> "alice").states();
        assertArrayEquals(alice.request().hash(), again.getFirst().requestHash(), "the host's unique key on it refuses the replay");
    }

    @Test
    void theHybridKeyExchangeRunsX25519AndMlKem768AndBothMustOpen() {
        MemberSession alice = start(member("alice"), new SessionOptions(false, true, false));
        Bodies.KxRequest request = Bodies.KxRequest.decode(alice.request().body());
        assertTrue(request.mlkemKey().length > 1000, "an ML-KEM-768 encapsulation key");
        ReplyTree reply = keyExchange(single(alice.request()));
        Bodies.KxReply kx = Bodies.KxReply.decode(reply.own().body());
        assertEquals(1088, kx.mlkemCiphertext().length);
        assertEquals(Outcome.PAID, aloneAfterKx(alice, reply).status());
        TestCard carol = member("carol");
        assertRefused(SessionException.INCOMPLETE, () -> keyExchange(Envelope.combine(List.of(single(start(member("bob"), SessionOptions.DEFAULT).request())),
                start(carol, new SessionOptions(true, false, false)).request(), carol)));
    }

    private Outcome aloneAfterKx(MemberSession session, ReplyTree reply) {
        session.keyed(own(reply));
        return session.outcome(own(transaction(single(session.transaction(share("alice"), "")))));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void sessionsOfDifferentMembersDeriveDifferentKeysAndASharedSessionOneKey() {
        TestCard a = member("alice");
        TestCard b = member("bob");
        MemberSession alice = start(a, new SessionOptions(true, false, false));
        MemberSession bob = start(b, new SessionOptions(true, false, false));
        ReplyTree reply = keyExchange(Envelope.combine(List.of(single(alice.request())), bob.request(), b));
        bob.keyed(reply.own());
        alice.keyed(reply.children().getFirst().own());
        MemberState aliceState = states.get(alice.transactionId());
        MemberState bobState = states.get(bob.transactionId());
        assertArrayEquals(aliceState.secret(), bobState.secret());
        assertArrayEquals(aliceState.salt(), bobState.salt());
        assertNotEquals(java.util.Arrays.toString(aliceState.transcript()), java.util.Arrays.toString(bobState.transcript()));
    }
}
