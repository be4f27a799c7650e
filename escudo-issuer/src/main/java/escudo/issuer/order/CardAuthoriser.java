package escudo.issuer.order;

import escudo.core.EscudoException;
import escudo.core.EscudoException.Kind;
import escudo.core.Money;
import escudo.crypto.CanonicalWriter;
import escudo.issuer.CardNumbers;
import escudo.issuer.Issuer;
import escudo.ledger.Account;
import escudo.ledger.Ledger;
import escudo.ledger.LedgerException;
import escudo.ledger.TransferRequest;
import escudo.order.OrderException;
import escudo.order.OrderMessage.Authorisation;
import escudo.order.OrderMessage.AuthorisationRequest;
import escudo.order.OrderMessage.Decision;
import escudo.order.PairwiseKeys;
import escudo.order.Shopper;
import escudo.order.SplitOrder;
import escudo.order.SplitOrder.Opened;
import escudo.order.SplitOrder.Role;
import escudo.order.SplitOrder.Sealed;
import escudo.storage.Database;
import escudo.storage.Tx;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Currency;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The card manager of seed 002, Fig. 1: given an order bundle the seller forwards, it opens the
 * part the holder sealed for the bank, authenticates the holder (the card must be theirs, and only
 * the holder could seal that part), and withdraws the amount from the holder's current account
 * into the seller's deposit account. Authorisation and capture happen together, in one
 * transaction with the record of the approval, so an approved order is paid and a declined one
 * moved nothing and left no row.
 *
 * <p>Each (holder, order id) is paid once: the same request again (same bundle digest, same
 * seller) gets the first answer back and moves nothing; any other request with that order is
 * {@code order.replayed}. The bank never stores the bundle, and never sees the destination.
 */
public final class CardAuthoriser {

    /** Authorisation ids: this prefix and {@value #ID_LENGTH} characters of RFC 4648 base 32. */
    public static final String ID_PREFIX = "AUTH-";
    static final int ID_LENGTH = 12;
    /** The longest order id the bank records. */
    static final int MAX_ORDER_ID = 256;

    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final String TRANSFER_TAG = "escudo/issuer/s2-order/v1";
    private static final String COLUMNS = "holder_id, order_id, seller_id, digest, amount_minor, currency, card_number, authorisation_id, created_at";
    private static final HexFormat HEX = HexFormat.of();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Issuer issuer;
    private final PaymentCards cards;
    private final Database db;
    private final PairwiseKeys keys;
    private final Clock clock;
    private final Ledger ledger;

    /**
     * @param issuerKeys the bank's S2 keys; their identifier must be the bank's id
     */
    public CardAuthoriser(Issuer issuer, PaymentCards cards, Database db, PairwiseKeys issuerKeys, Clock clock) {
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.cards = Objects.requireNonNull(cards, "cards");
        this.db = Objects.requireNonNull(db, "db");
        this.keys = Objects.requireNonNull(issuerKeys, "issuerKeys");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (!issuerKeys.myId().equals(issuer.bankId())) {
            throw new IllegalArgumentException("the card manager's S2 keys must be the bank's own (" + issuer.bankId() + ")");
        }
        this.ledger = issuer.ledger();
    }

    /**
     * Authorises and captures the order in {@code request} for {@code sellerId}, whom the channel
     * has already authenticated. A card, holder or amount the bank will not pay for is a
     * {@link Decision#DECLINED} answer ({@code order.card-declined}, {@code order.amount-mismatch},
     * {@code order.insufficient-funds}) that changed nothing; a bundle that is not a genuine order
     * for this seller and this bank is an {@link OrderException} ({@code order.malformed},
     * {@code order.binding-mismatch}, {@code order.wrong-recipient}, {@code order.part-tampered},
     * {@code order.unknown-party}, {@code order.replayed}), as is a seller the bank does not keep
     * a deposit account for ({@code issuer.unknown-merchant}).
     */
    public Authorisation authorise(String sellerId, AuthorisationRequest request) {
        Objects.requireNonNull(sellerId, "sellerId");
        Objects.requireNonNull(request, "request");
        // 1. The bundle, and this seller's place in it: a seller cannot cash another seller's order.
        Sealed bundle = Sealed.decode(request.bundle());
        if (bundle.orderId().length() > MAX_ORDER_ID) {
            throw OrderException.of(Kind.INVALID, OrderException.MALFORMED, "an order id has at most " + MAX_ORDER_ID + " characters");
        }
        if (bundle.parts().stream().noneMatch(p -> p.role() == Role.SELLER && p.recipient().equals(sellerId))) {
            throw OrderException.of(Kind.UNAUTHENTICATED, OrderException.BINDING_MISMATCH,
                    "order " + bundle.orderId() + " has no seller part for " + sellerId);
        }
        // 2. The bank's own part: only the holder, who shares the key, could have sealed it.
        Opened part = SplitOrder.open(bundle, keys.myId(), keys);
        if (part.role() != Role.ISSUER) {
            throw OrderException.of(Kind.REFUSED, OrderException.WRONG_RECIPIENT,
                    "order " + bundle.orderId() + " gives this bank the " + part.role() + "'s part, not the issuer's");
        }
        // 3. The seller is paid into its deposit account here; the holding account is in its currency.
        Account deposit = db.inTransaction(tx -> issuer.depositAccount(tx, sellerId));
        String holding = holdingAccount(deposit.currency());
        return db.inTransaction(tx -> authorise(tx, sellerId, bundle, part.fields(), request.amount(), holding));
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

    /** Steps 3 to 6, in the one transaction that records an approval together with its money. */
    private Authorisation authorise(Tx tx, String sellerId, Sealed bundle, Map<String, String> fields, Money asked, String holding) {
        String holderId = bundle.holderId();
        String orderId = bundle.orderId();
        String digest = HEX.formatHex(bundle.digest());
        Account merchant = issuer.depositAccount(tx, sellerId);
        // 4. Each (holder, order) is paid once; the same request again gets the same answer.
        Optional<Approved> earlier = approved(tx, holderId, orderId);
        if (earlier.isPresent()) {
            return earlier.get().answerTo(sellerId, digest);
        }
        // 5. The card, its holder, the payment type and the amount.
        String number = fields.get(SplitOrder.CARD_NUMBER);
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
        if (!card.expiry().equals(fields.get(SplitOrder.EXPIRY))) {
            return declined(bundle, OrderException.CARD_DECLINED, "the expiry date does not match the card");
        }
        if (PaymentCards.expired(card.expiry(), clock.instant())) {
            return declined(bundle, OrderException.CARD_DECLINED, "the card has expired");
        }
        if (!Shopper.FULL_PAYMENT.equals(fields.get(SplitOrder.PAYMENT_TYPE))) {
            return declined(bundle, OrderException.CARD_DECLINED, "the card pays in full only");
        }
        Money told;
        try {
            told = Money.parse(fields.get(SplitOrder.AMOUNT));
        } catch (EscudoException e) {
            return declined(bundle, OrderException.AMOUNT_MISMATCH, "the issuer's part holds no readable amount");
        }
        if (!told.equals(asked)) {
            return declined(bundle, OrderException.AMOUNT_MISMATCH, "the holder told the bank another amount than the seller asks");
        }
        if (!asked.isPositive()) {
            return declined(bundle, OrderException.AMOUNT_MISMATCH, "the amount must be positive");
        }
        Currency currency = asked.currency();
        if (!merchant.currency().equals(currency)) {
            return declined(bundle, OrderException.AMOUNT_MISMATCH,
                    "the seller is paid in " + merchant.currency().getCurrencyCode() + ", not " + currency.getCurrencyCode());
        }
        Account current = issuer.currentAccount(tx, holderId);
        if (!current.currency().equals(currency)) {
            return declined(bundle, OrderException.AMOUNT_MISMATCH, "the card's account is not in " + currency.getCurrencyCode());
        }
        // 6. Authorise (holder -> holding) and capture (holding -> seller), idempotent by order.
        String authorisationId = newAuthorisationId();
        String key = transferKey(holderId, orderId);
        String memo = authorisationId;
        try {
            // Under one savepoint: a refusal of either leaves neither.
            tx.atomically(() -> {
                ledger.transfer(tx, new TransferRequest("s2:authorise:" + key, current.id(), holding, asked,
                        "S2 order authorisation " + memo));
                return ledger.transfer(tx, new TransferRequest("s2:capture:" + key, holding, merchant.id(), asked,
                        "S2 order capture " + memo + " for " + sellerId));
            });
        } catch (LedgerException e) {
            if ("ledger.insufficient-funds".equals(e.code())) {
                return declined(bundle, OrderException.INSUFFICIENT_FUNDS, "the holder's account cannot pay " + asked);
            }
            if ("ledger.transfer-conflict".equals(e.code())) {
                throw replayed(orderId); // a concurrent request for this order moved another amount or paid another seller
            }
            throw e;
        }
        for (int attempt = 0; attempt < 5; attempt++) {
            if (tx.tryInsert("INSERT INTO issuer_s2_authorisation (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    holderId, orderId, sellerId, digest, asked.minorUnits(), currency.getCurrencyCode(), number,
                    authorisationId, clock.instant())) {
                return new Approved(holderId, orderId, sellerId, digest, asked, authorisationId).answer();
            }
            // A concurrent identical request got here first: its transfers are ours (replayed, nothing moved).
            Optional<Approved> winner = approved(tx, holderId, orderId);
            if (winner.isPresent()) {
                return winner.get().answerTo(sellerId, digest);
            }
            authorisationId = newAuthorisationId(); // the id was taken: 60 random bits, all but impossible
        }
        throw new EscudoException(Kind.INTERNAL, "issuer.authorisation-id-exhausted", "could not draw a free authorisation id");
    }

    /** What was approved for one order: enough to answer a repeat with the first answer. */
    private record Approved(String holderId, String orderId, String sellerId, String digest, Money amount, String authorisationId) {

        Authorisation answer() {
            return new Authorisation(orderId, holderId, HEX.parseHex(digest), Decision.APPROVED, amount, authorisationId, null, null);
        }

        /** The first answer for the same bundle from the same seller; anything else is a replay. */
        Authorisation answerTo(String seller, String bundleDigest) {
            if (!sellerId.equals(seller) || !MessageDigest.isEqual(HEX.parseHex(digest), HEX.parseHex(bundleDigest))) {
                throw replayed(orderId);
            }
            return answer();
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

    /** A decline names the reason, never the card number; nothing was written before it. */
    private static Authorisation declined(Sealed bundle, String reason, String detail) {
        return new Authorisation(bundle.orderId(), bundle.holderId(), bundle.digest(), Decision.DECLINED, null, null, reason, detail);
    }

    private static OrderException replayed(String orderId) {
        return OrderException.of(Kind.CONFLICT, OrderException.REPLAYED, "order " + orderId + " was already authorised for another request");
    }

    /**
     * The bank's account between authorisation and capture, one per currency. Both happen in one
     * transaction, so it is always back at zero; its credit limit of 0 keeps a capture from ever
     * paying out more than was authorised.
     */
    private String holdingAccount(Currency currency) {
        String id = "bank:s2-authorisations:" + currency.getCurrencyCode();
        if (ledger.find(id).isEmpty()) {
            try {
                ledger.open(id, issuer.bankId(), currency, 0);
            } catch (LedgerException e) {
                if (!"ledger.duplicate-account".equals(e.code())) {
                    throw e; // another request opened it first: fine
                }
            }
        }
        return id;
    }

    /** The ledger transfer ids of an order derive from (holder, order id) alone, so a retry cannot pay twice. */
    private static String transferKey(String holderId, String orderId) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(
                    CanonicalWriter.domain(TRANSFER_TAG).string(holderId).string(orderId).toByteArray()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is in every JDK", e);
        }
    }

    private static String newAuthorisationId() {
        StringBuilder id = new StringBuilder(ID_PREFIX);
        for (int i = 0; i < ID_LENGTH; i++) {
            id.append(BASE32.charAt(RANDOM.nextInt(BASE32.length())));
        }
        return id.toString();
    }
}
