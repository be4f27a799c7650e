package escudo.s4.server;

import escudo.bank.Bank;
import escudo.core.EscudoException;
import escudo.crypto.Digest;
import escudo.crypto.SecretBox;
import escudo.s4.protocol.P256;
import escudo.s4.session.Envelope;
import escudo.s4.session.MemberState;
import escudo.s4.session.Order;
import escudo.s4.session.Outcome;
import escudo.s4.session.Phase;
import escudo.s4.session.Provider;
import escudo.s4.session.ReplyTree;
import escudo.s4.session.SessionApi;
import escudo.s4.session.SessionException;
import escudo.storage.Database;
import escudo.storage.Tx;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The bank as the service provider of seed 004's sessions: the {@link Provider}'s rules on the
 * bank's database. Each message is one database transaction: the members' states and whatever the
 * orders move commit together or not at all, and the members' rows are locked while they are read,
 * so a message sent twice at once is carried out once.
 */
public final class Sessions {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private final Bank bank;
    private final Database db;
    private final Clock clock;
    private final Provider provider;
    private final SecretBox secrets;

    public Sessions(Bank bank, Database db, Clock clock, Provider provider, SecretBox secrets) {
        this.bank = bank;
        this.db = db;
        this.clock = clock;
        this.provider = provider;
        this.secrets = secrets;
        db.migrate("s4_session");
    }

    public Provider provider() {
        return provider;
    }

    /** The desk registers the card key of a customer's record: from then on that card is that customer's member key. */
    public SessionApi.Registered register(String customerId, byte[] cardKey) {
        String key;
        try {
            key = HEX.formatHex(P256.encode(P256.decode(cardKey)));
        } catch (IllegalArgumentException e) {
            throw new SessionException(SessionException.MALFORMED, "the card key is not an uncompressed P-256 point");
        }
        return db.inTransaction(tx -> {
            bank.customer(tx, customerId);
            if (!tx.tryInsert("INSERT INTO s4_member_key (card_key, customer_id, registered_at) VALUES (?, ?, ?)", key, customerId, clock.instant())
                    && !customerOf(tx, key).equals(customerId)) {
                throw new SessionException(SessionException.CARD_KEY_TAKEN, "that card key is another customer's");
            }
            return new SessionApi.Registered(customerId, key);
        });
    }

    /**
     * One message, alone or combined, of any phase: checked, carried out and answered with the
     * combined reply. The same message again is answered with the same reply, so a member whose
     * answer was lost asks again safely; any other replay of its parts is {@code s4.replayed}.
     */
    public ReplyTree handle(Envelope envelope) {
        Phase phase = envelope.parts().getFirst().phase();
        String messageHash = HEX.formatHex(Digest.sha256(envelope.encode()));
        return db.inTransaction(tx -> {
            Optional<ReplyTree> answered = tx.queryOne("SELECT reply FROM s4_reply WHERE message_hash = ?",
                    r -> ReplyTree.decode(Base64.getDecoder().decode(r.getString(1))), messageHash);
            if (answered.isPresent()) {
                return answered.get();
            }
            Provider.Exchange exchange = switch (phase) {
                case KEY_EXCHANGE -> provider.keyExchange(envelope, id("ses-"), () -> id("s4tx-"), key -> customerOf(tx, key));
                case TRANSACTION -> provider.transaction(envelope, id -> state(tx, id), orders -> carryOut(tx, orders));
                case ACKNOWLEDGEMENT -> provider.acknowledgement(envelope, id -> state(tx, id));
            };
            for (MemberState state : exchange.states()) {
                if (phase == Phase.KEY_EXCHANGE) {
                    insert(tx, state);
                } else {
                    tx.update("UPDATE s4_session_member SET transcript = ?, next_phase = ? WHERE transaction_id = ?", HEX.formatHex(state.transcript()),
                            state.next() == null ? null : state.next().name(), state.transactionId());
                }
            }
            tx.update("INSERT INTO s4_reply (message_hash, reply, created_at) VALUES (?, ?, ?)", messageHash,
                    Base64.getEncoder().encodeToString(exchange.reply().encode()), clock.instant());
            return exchange.reply();
        });
    }

    /**
     * Claims 16, 39, 42, 44: every member's order at once. Each pays from the account its card record
     * names to a merchant of the bank, once (the ledger transfer's id is the member's transaction id);
     * if one cannot, none pays, and each member is told why.
     */
    private List<Outcome> carryOut(Tx tx, List<Provider.Ordered> orders) {
        try {
            return tx.atomically(() -> orders.stream().map(o -> pay(tx, o.member(), o.order())).toList());
        } catch (EscudoException e) {
            if (e.kind() == EscudoException.Kind.INTERNAL) {
                throw e;
            }
            return orders.stream().map(o -> new Outcome(Outcome.REFUSED, e.code().value(), o.order().amount(), "")).toList();
        }
    }

    private Outcome pay(Tx tx, MemberState member, Order order) {
        if (!order.account().equals(member.customerId())) {
            throw new SessionException(SessionException.WRONG_ACCOUNT, "an order pays from the account of the member's own card record");
        }
        if (order.amount().minorUnits() == 0) {
            bank.merchantName(tx, order.payee()); // an approval names a payee the bank knows too
            return new Outcome(Outcome.APPROVED, "", order.amount(), "");
        }
        String transferId = "s4:" + member.transactionId();
        bank.moveCustomerFunds(tx, transferId, bank.customer(tx, member.customerId()), bank.depositAccount(tx, order.payee()).id(), order.amount(),
                "S4 " + member.sessionId() + ": " + order.reference());
        return new Outcome(Outcome.PAID, "", order.amount(), transferId);
    }

    private String customerOf(Tx tx, ECPublicKey key) {
        return customerOf(tx, HEX.formatHex(P256.encode(key)));
    }

    private static String customerOf(Tx tx, String key) {
        return tx.queryOne("SELECT customer_id FROM s4_member_key WHERE card_key = ?", r -> r.getString(1), key)
                .orElseThrow(() -> new SessionException(SessionException.UNKNOWN_MEMBER, "the bank knows no member with that card key"));
    }

    private void insert(Tx tx, MemberState state) {
        if (!tx.tryInsert("INSERT INTO s4_session_member (transaction_id, session_id, members, customer_id, card_key, secret_sealed, salt,"
                        + " provider_challenge, transcript, next_phase, request_hash, member_note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                state.transactionId(), state.sessionId(), state.members(), state.customerId(), HEX.formatHex(state.identity()),
                Base64.getEncoder().encodeToString(secrets.seal(state.secret(), aad(state.transactionId()))), HEX.formatHex(state.salt()),
                HEX.formatHex(state.providerChallenge()), HEX.formatHex(state.transcript()), state.next().name(), HEX.formatHex(state.requestHash()),
                state.note(), clock.instant())) {
            throw new SessionException(SessionException.REPLAYED, "that key exchange request was received already");
        }
    }

    private MemberState state(Tx tx, String transactionId) {
        return tx.queryOne("SELECT session_id, members, customer_id, card_key, secret_sealed, salt, provider_challenge, transcript, next_phase,"
                        + " request_hash, member_note FROM s4_session_member WHERE transaction_id = ? FOR UPDATE",
                r -> new MemberState(r.getString(1), transactionId, r.getInt(2), r.getString(3), HEX.parseHex(r.getString(4)),
                        secrets.open(Base64.getDecoder().decode(r.getString(5)), aad(transactionId), "an S4 session secret"),
                        HEX.parseHex(r.getString(6)), HEX.parseHex(r.getString(7)), HEX.parseHex(r.getString(8)),
                        r.getString(9) == null ? null : Phase.valueOf(r.getString(9)), HEX.parseHex(r.getString(10)), r.getString(11)), transactionId)
                .orElseThrow(() -> new SessionException(SessionException.UNKNOWN_TRANSACTION, "the bank has no session with that transaction"));
    }

    private static byte[] aad(String transactionId) {
        return ("escudo/s4/session-secret/" + transactionId).getBytes(StandardCharsets.UTF_8);
    }

    private static String id(String prefix) {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return prefix + HEX.formatHex(id);
    }
}
