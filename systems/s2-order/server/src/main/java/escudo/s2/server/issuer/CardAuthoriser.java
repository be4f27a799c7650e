package escudo.s2.server.issuer;

import escudo.core.Bytes;
import escudo.s2.api.PaymentCard;
import escudo.bank.Bank;
import escudo.core.ErrorCode;
import escudo.bank.CardNumbers;
import escudo.core.EscudoException;
import escudo.core.EscudoException.Kind;
import escudo.core.Money;
import escudo.crypto.CanonicalWriter;
import escudo.crypto.Digest;
import escudo.ledger.Account;
import escudo.ledger.Hold;
import escudo.ledger.Ledger;
import escudo.ledger.LedgerException;
import escudo.ledger.HoldRequest;
import escudo.ledger.Transfer;
import escudo.s2.client.Shopper;
import escudo.s2.protocol.OrderException;
import escudo.s2.protocol.OrderMessage.Authorisation;
import escudo.s2.protocol.OrderMessage.AuthorisationRequest;
import escudo.s2.protocol.OrderMessage.Capture;
import escudo.s2.protocol.OrderMessage.CaptureRequest;
import escudo.s2.protocol.OrderMessage.Decision;
import escudo.s2.protocol.OrderMessage.Release;
import escudo.s2.protocol.OrderMessage.ReleaseRequest;
import escudo.s2.protocol.PairwiseKeys;
import escudo.s2.protocol.RandomIds;
import escudo.s2.protocol.SplitOrder;
import escudo.s2.protocol.OrderPart.IssuerPart;
import escudo.s2.protocol.SplitOrder.Role;
import escudo.s2.protocol.SplitOrder.Sealed;
import escudo.storage.Database;
import escudo.storage.StorageException;
import escudo.storage.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Currency;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The card manager of seed 002, Fig. 1: given an order bundle the seller forwards, it opens the
 * part the holder sealed for the bank, authenticates the holder (the card must be theirs, and only
 * the holder could seal that part), and holds the amount on the holder's current account in
 * favour of the seller's deposit account: a ledger hold, in one transaction with the record of
 * the approval, so an approved order's money is reserved and cannot be spent twice. The seller
 * {@link #capture captures} it once the courier has the parcel, which posts the hold: the money
 * moves then, once. The seller {@link #release releases} the hold of an order it will never
 * capture (the delivery failed before pickup), and a hold the seller never captures expires after
 * {@link #HOLD_LIFETIME}: either way the ledger voids it, giving the holder the money back.
 *
 * <p>Every refusal of a bundle that decodes is a {@link Decision#DECLINED} answer, which the
 * channel seals to the seller: problem documents travel unauthenticated, so the seller declines
 * an order on nothing else. A decline holds and moves no money. Once the bundle is known to be the holder's
 * own order for this seller (the sender is its seller and the bank's part opened), its decline is
 * recorded and final: that (holder, order id) is never paid later, whatever the holder's balance
 * by then. A bundle that does not open, or comes from another sender, is declined without a
 * record, so no one but the holder and its seller can block an order.
 *
 * <p>Each (holder, order id) is decided once: the same request again gets the first answer back
 * and moves nothing. Another bundle under an approved order, or another seller's under a declined
 * one, is declined {@code order.replayed}; the seller's own other bundle under a declined order
 * gets the recorded decline. Approvals and declines of one order take the same row lock first, so
 * the two never both happen. The bank never stores the bundle, and never sees the destination.
 */
public final class CardAuthoriser {

    /** Authorisation ids: this prefix and {@value #ID_LENGTH} characters of RFC 4648 base 32. */
    public static final String ID_PREFIX = "AUTH-";
    static final int ID_LENGTH = 12;
    /** The longest order id the bank records. */
    static final int MAX_ORDER_ID = 256;
    /** The longest decline detail the bank answers and records. */
    static final int MAX_DETAIL = 500;
    /** How long an authorisation holds the amount for the seller to capture it, as card schemes commonly allow. */
    public static final Duration HOLD_LIFETIME = Duration.ofDays(7);

    private static final String TRANSFER_TAG = "escudo/issuer/s2-order/v2";
    private static final String COLUMNS = "holder_id, order_id, seller_id, digest, amount_minor, currency, card_number, authorisation_id, created_at";
    private static final String DECLINE_COLUMNS = "holder_id, order_id, seller_id, digest, reason, detail, created_at";
    private static final HexFormat HEX = HexFormat.of();

    private final Bank bank;
    private final PaymentCards cards;
    private final Database db;
    private final PairwiseKeys keys;
    private final Clock clock;
    private final Ledger ledger;

    /**
     * @param issuerKeys the bank's S2 keys; their identifier must be the bank's id
     */
    public CardAuthoriser(Bank bank, PaymentCards cards, Database db, PairwiseKeys issuerKeys, Clock clock) {
        this.bank = Objects.requireNonNull(bank, "bank");
        this.cards = Objects.requireNonNull(cards, "cards");
        this.db = Objects.requireNonNull(db, "db");
        this.keys = Objects.requireNonNull(issuerKeys, "issuerKeys");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (!issuerKeys.myId().equals(bank.bankId())) {
            throw new IllegalArgumentException("the card manager's S2 keys must be the bank's own (" + bank.bankId() + ")");
        }
        this.ledger = bank.ledger();
    }

    /**
     * Authorises the order in {@code request} for {@code sellerId} (holds its amount), whom the channel
     * has already authenticated. Only a bundle that does not decode, or an order id over
     * {@value #MAX_ORDER_ID} characters, is an exception ({@code order.malformed}), and so is a
     * failure of the bank itself ({@link Kind#INTERNAL}, worth asking again). Every other refusal
     * is a {@link Decision#DECLINED} answer with the code as its reason and a detail that names no
     * card number and no amount: the bank's checks ({@code order.card-declined},
     * {@code order.amount-mismatch}, {@code order.insufficient-funds}), the opening codes
     * ({@code order.binding-mismatch}, {@code order.wrong-recipient}, {@code order.part-tampered},
     * {@code order.unknown-party}, {@code order.malformed}), {@code order.replayed}, and a seller
     * without a deposit account here ({@code issuer.unknown-merchant}).
     */
    public Authorisation authorise(String sellerId, AuthorisationRequest request) {
        Objects.requireNonNull(sellerId, "sellerId");
        Objects.requireNonNull(request, "request");
        Sealed bundle = Sealed.decode(request.bundle().toByteArray());
        if (bundle.orderId().length() > MAX_ORDER_ID) {
            throw OrderException.of(OrderException.MALFORMED, "an order id has at most " + MAX_ORDER_ID + " characters");
        }
        IssuerPart part;
        try {
            part = open(sellerId, bundle);
        } catch (EscudoException e) {
            return declined(bundle, refusal(e)); // not the holder's order for this seller: nothing to record
        }
        // From here on the bundle is the holder's own order for this seller: its decline is final.
        try {
            // 3. The seller is paid into its deposit account here.
            db.inTransaction(tx -> bank.depositAccount(tx, sellerId));
        } catch (EscudoException e) {
            EscudoException refused = refusal(e);
            return db.inTransaction(tx -> decide(tx, sellerId, bundle, () -> declined(bundle, refused)));
        }
        return db.inTransaction(tx -> decide(tx, sellerId, bundle,
                () -> authorise(tx, sellerId, bundle, part, request.amount())));
    }

    /**
     * Steps 1 and 2: this seller's place in the bundle (a seller cannot cash another seller's
     * order) and the part addressed to the bank, which only the holder, who shares the key, could
     * have sealed. The bundle's digest binds every part's recipient and role, so once the part
     * opens the seller part is the holder's too. A part of another role addressed to the bank
     * (say the courier's, with the destination) is not the bank's to read.
     */
    private IssuerPart open(String sellerId, Sealed bundle) {
        if (bundle.parts().stream().noneMatch(p -> p.role() == Role.SELLER && p.recipient().equals(sellerId))) {
            throw OrderException.of(OrderException.BINDING_MISMATCH,
                    "order " + bundle.orderId() + " has no seller part for " + sellerId);
        }
        return SplitOrder.open(bundle, keys.myId(), keys, IssuerPart.class).part();
    }

    /**
     * The one decision on a genuine order, under the order's row lock: the answer that stands, or
     * {@code evaluate}'s, whose decline is recorded with it. {@code evaluate} runs under a savepoint,
     * so a refusal it throws leaves nothing of its own writes.
     */
    private Authorisation decide(Tx tx, String sellerId, Sealed bundle, Supplier<Authorisation> evaluate) {
        String holderId = bundle.holderId();
        String orderId = bundle.orderId();
        // An approval and a decline of one order both lock this row first: the second sees the first.
        if (!tx.tryInsert("INSERT INTO issuer_s2_order (holder_id, order_id) VALUES (?, ?)", holderId, orderId)) {
            tx.queryOne("SELECT holder_id FROM issuer_s2_order WHERE holder_id = ? AND order_id = ? FOR UPDATE",
                    r -> r.getString(1), holderId, orderId);
        }
        Optional<Approved> approved = approved(tx, holderId, orderId);
        if (approved.isPresent()) {
            return approved.get().answerTo(sellerId, bundle);
        }
        Optional<Declined> declined = declined(tx, holderId, orderId);
        if (declined.isPresent()) {
            return declined.get().answerTo(sellerId, bundle);
        }
        Authorisation answer;
        try {
            answer = tx.atomically(evaluate);
        } catch (EscudoException e) {
            answer = declined(bundle, refusal(e));
        }
        // A replay is about another request's answer, which stands: nothing to record.
        if (answer.decision() == Decision.DECLINED && !OrderException.REPLAYED.value().equals(answer.reason())) {
            tx.update("INSERT INTO issuer_s2_decline (" + DECLINE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
                    holderId, orderId, sellerId, bundle.digest().hex(), answer.reason(), answer.detail(), clock.instant());
        }
        return answer;
    }

    /**
     * Captures an approved order for {@code sellerId}, whom the channel has authenticated: posts
     * its hold, so the amount moves into the seller's deposit account, once. The same capture
     * again gets the first answer. Refused with {@code order.not-found} when this seller has no
     * approval under that authorisation id for the order, and {@code order.authorisation-expired}
     * when the hold expired (or was voided) before the seller captured it.
     */
    public Capture capture(String sellerId, CaptureRequest request) {
        Objects.requireNonNull(sellerId, "sellerId");
        Objects.requireNonNull(request, "request");
        return db.inTransaction(tx -> {
            Approved approved = approvedFor(tx, sellerId, request.holderId(), request.orderId(), request.authorisationId());
            Transfer paid;
            try {
                paid = ledger.post(tx, holdId(approved.holderId(), approved.orderId()));
            } catch (LedgerException e) {
                if (e.code() == LedgerException.HOLD_EXPIRED || e.code() == LedgerException.HOLD_VOIDED) {
                    throw OrderException.of(OrderException.AUTHORISATION_EXPIRED,
                            "authorisation " + approved.authorisationId() + " expired or was released before it was captured");
                }
                throw e;
            }
            return new Capture(approved.orderId(), approved.holderId(), approved.authorisationId(), paid.amount(), paid.createdAt());
        });
    }

    /**
     * Releases an approved order's hold for {@code sellerId}, whom the channel has authenticated:
     * the seller will never capture it (the delivery failed before the courier had the parcel), so
     * the ledger voids the hold and the holder has the amount back now rather than when it
     * expires. Nothing moves. The same release again, or one after the hold expired, gets the same
     * answer. Refused with {@code order.not-found} as {@link #capture} is, and
     * {@code order.captured} when the seller has already captured the authorisation.
     */
    public Release release(String sellerId, ReleaseRequest request) {
        Objects.requireNonNull(sellerId, "sellerId");
        Objects.requireNonNull(request, "request");
        return db.inTransaction(tx -> {
            Approved approved = approvedFor(tx, sellerId, request.holderId(), request.orderId(), request.authorisationId());
            Hold released;
            try {
                released = ledger.voidHold(tx, holdId(approved.holderId(), approved.orderId()));
            } catch (LedgerException e) {
                if (e.code() == LedgerException.HOLD_POSTED) {
                    throw OrderException.of(OrderException.CAPTURED,
                            "authorisation " + approved.authorisationId() + " was captured: nothing is held any more");
                }
                throw e;
            }
            return new Release(approved.orderId(), approved.holderId(), approved.authorisationId(), released.amount(),
                    released.settledAt());
        });
    }

    /** The approval a capture or release names: this seller's, under that authorisation id; else {@code order.not-found}. */
    private static Approved approvedFor(Tx tx, String sellerId, String holderId, String orderId, String authorisationId) {
        return approved(tx, holderId, orderId)
                .filter(a -> a.sellerId().equals(sellerId) && a.authorisationId().equals(authorisationId))
                .orElseThrow(() -> OrderException.of(OrderException.NOT_FOUND,
                        "no authorisation " + abbreviate(authorisationId) + " of this seller for that order"));
    }

    /** Every approved order, newest first, for the bank's desk. */
    public List<CardPayment> authorisations() {
        return db.inTransaction(tx -> tx.query("SELECT " + COLUMNS + " FROM issuer_s2_authorisation ORDER BY created_at DESC, authorisation_id",
                r -> {
                    Approved a = approved(r);
                    return new CardPayment(a.authorisationId(), a.orderId(), a.holderId(), a.sellerId(), a.amount(),
                            PaymentCard.mask(r.getString("card_number")), a.digest(), Tx.instant(r, "created_at"));
                }));
    }

    /** Steps 4 to 6, under the order's lock: the checks, then the approval recorded together with its hold. */
    private Authorisation authorise(Tx tx, String sellerId, Sealed bundle, IssuerPart part, Money asked) {
        String holderId = bundle.holderId();
        String orderId = bundle.orderId();
        Account merchant = bank.depositAccount(tx, sellerId);
        // 4. The card, its holder, the payment type and the amount.
        String number = part.cardNumber().orElse(null);
        if (number == null || !CardNumbers.isValid(number)) {
            return declined(bundle, OrderException.CARD_DECLINED, "the card number is not 16 digits with a valid check digit");
        }
        Optional<PaymentCard> found = cards.find(tx, number, true);
        // One answer for both, so an order cannot probe which card numbers exist.
        if (found.isEmpty() || !found.get().customerId().equals(holderId)) {
            return declined(bundle, OrderException.CARD_DECLINED, "the card is unknown or is not the holder's");
        }
        PaymentCard card = found.get();
        if (card.blocked()) {
            return declined(bundle, OrderException.CARD_DECLINED, "the card is blocked");
        }
        if (!part.expiry().equals(Optional.of(card.expiry()))) {
            return declined(bundle, OrderException.CARD_DECLINED, "the expiry date does not match the card");
        }
        if (PaymentCards.expired(card.expiry(), clock.instant())) {
            return declined(bundle, OrderException.CARD_DECLINED, "the card has expired");
        }
        if (!part.paymentType().equals(Optional.of(Shopper.FULL_PAYMENT))) {
            return declined(bundle, OrderException.CARD_DECLINED, "the card pays in full only");
        }
        // Decline details reach the holder in clear problem documents: no amount and no currency in them.
        if (part.amount().isEmpty()) {
            return declined(bundle, OrderException.AMOUNT_MISMATCH, "the issuer's part holds no readable amount");
        }
        if (!part.amount().get().equals(asked)) {
            return declined(bundle, OrderException.AMOUNT_MISMATCH, "the amount differs from the seller's");
        }
        if (!asked.isPositive()) {
            return declined(bundle, OrderException.AMOUNT_MISMATCH, "the amount must be positive");
        }
        Currency currency = asked.currency();
        if (!merchant.currency().equals(currency)) {
            return declined(bundle, OrderException.AMOUNT_MISMATCH, "the currency is not the merchant's");
        }
        Account current = bank.currentAccount(tx, holderId);
        if (!current.currency().equals(currency)) {
            return declined(bundle, OrderException.AMOUNT_MISMATCH, "the currency is not the card account's");
        }
        // 5. Hold the amount on the holder's account for the seller, idempotent by order.
        String authorisationId = newAuthorisationId();
        try {
            ledger.hold(tx, new HoldRequest(holdId(holderId, orderId), current.id(), merchant.id(), asked,
                    "S2 order " + authorisationId + " for " + sellerId, clock.instant().plus(HOLD_LIFETIME)));
        } catch (LedgerException e) {
            if (e.code() == LedgerException.INSUFFICIENT_FUNDS) {
                return declined(bundle, OrderException.INSUFFICIENT_FUNDS, "the holder's account cannot pay the amount");
            }
            if (e.code() == LedgerException.TRANSFER_CONFLICT) {
                throw replayed(orderId); // this order's hold reserves something else: never under the order's lock
            }
            if (e.kind() != Kind.INTERNAL) {
                // The ledger's own message names the amount.
                return declined(bundle, e.code(), "the bank's ledger refused the payment");
            }
            throw e;
        }
        // 6. The approval, with the hold; the order's lock keeps every other request for it waiting.
        // The id the memos name first; another only if it was taken (60 random bits: all but impossible).
        Iterator<String> ids = Stream.concat(Stream.of(authorisationId), Stream.generate(CardAuthoriser::newAuthorisationId)).iterator();
        String approvedId = tx.insertWithFreshId(ids::next,
                id -> tx.tryInsert("INSERT INTO issuer_s2_authorisation (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        holderId, orderId, sellerId, bundle.digest().hex(), asked.minorUnits(), currency.getCurrencyCode(),
                        number, id, clock.instant()),
                "authorisation id");
        return new Approved(holderId, orderId, sellerId, bundle.digest().hex(), asked, approvedId).answer();
    }

    /** What was approved for one order: enough to answer a repeat with the first answer. */
    private record Approved(String holderId, String orderId, String sellerId, String digest, Money amount, String authorisationId) {

        Authorisation answer() {
            return new Authorisation(orderId, holderId, Bytes.ofHex(digest), Decision.APPROVED, amount, authorisationId, null, null);
        }

        /** The first answer for the same bundle from the same seller; anything else is a replay. */
        Authorisation answerTo(String seller, Sealed bundle) {
            if (!sellerId.equals(seller) || !Bytes.ofHex(digest).equals(bundle.digest())) {
                return declined(bundle, replayed(orderId));
            }
            return answer();
        }
    }

    /** A recorded, final decline: the seller's every later bundle for the order gets it again. */
    private record Declined(String sellerId, String reason, String detail) {

        /**
         * The recorded reason, about {@code bundle} (whose digest the seller matches the answer
         * against); another seller is told {@code order.replayed}, not why the order was declined.
         */
        Authorisation answerTo(String seller, Sealed bundle) {
            if (!sellerId.equals(seller)) {
                return CardAuthoriser.declined(bundle, replayed(bundle.orderId()));
            }
            return CardAuthoriser.declined(bundle, reason, detail);
        }
    }

    private static Optional<Approved> approved(Tx tx, String holderId, String orderId) {
        return tx.queryOne("SELECT " + COLUMNS + " FROM issuer_s2_authorisation WHERE holder_id = ? AND order_id = ?",
                CardAuthoriser::approved, holderId, orderId);
    }

    private static Approved approved(ResultSet r) throws SQLException {
        return new Approved(r.getString("holder_id"), r.getString("order_id"), r.getString("seller_id"), r.getString("digest"),
                Money.of(r.getLong("amount_minor"), r.getString("currency")), r.getString("authorisation_id"));
    }

    private static Optional<Declined> declined(Tx tx, String holderId, String orderId) {
        return tx.queryOne("SELECT seller_id, reason, detail FROM issuer_s2_decline WHERE holder_id = ? AND order_id = ?",
                r -> new Declined(r.getString(1), r.getString(2), r.getString(3)), holderId, orderId);
    }

    /** A decline names the reason, never the card number or the amount. */
    private static Authorisation declined(Sealed bundle, String reason, String detail) {
        String text = Objects.requireNonNullElse(detail, "");
        String shown = text.length() > MAX_DETAIL ? text.substring(0, MAX_DETAIL) : text;
        return new Authorisation(bundle.orderId(), bundle.holderId(), bundle.digest(), Decision.DECLINED, null, null, reason, shown);
    }

    private static Authorisation declined(Sealed bundle, ErrorCode reason, String detail) {
        return declined(bundle, reason.value(), detail);
    }

    private static Authorisation declined(Sealed bundle, EscudoException refusal) {
        return declined(bundle, refusal.code(), refusal.getMessage());
    }

    /**
     * {@code e} as a refusal to answer with; a failure of the bank itself (INTERNAL, or any
     * database error) is thrown on, so the seller asks again and the transaction may be retried.
     */
    private static EscudoException refusal(EscudoException e) {
        if (e.kind() == Kind.INTERNAL || e instanceof StorageException) {
            throw e;
        }
        return e;
    }

    private static OrderException replayed(String orderId) {
        return OrderException.of(OrderException.REPLAYED, "order " + orderId + " was already decided for another request");
    }

    /** An order's ledger hold id derives from (holder, order id) alone, so a retry cannot hold or pay twice. */
    private static String holdId(String holderId, String orderId) {
        return "s2:" + HEX.formatHex(Digest.sha256(CanonicalWriter.domain(TRANSFER_TAG).string(holderId).string(orderId).toByteArray()));
    }

    private static String abbreviate(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64);
    }

    private static String newAuthorisationId() {
        return RandomIds.next(ID_PREFIX, ID_LENGTH);
    }
}
