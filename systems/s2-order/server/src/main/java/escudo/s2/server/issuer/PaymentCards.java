package escudo.s2.server.issuer;

import escudo.s2.api.PaymentCard;
import escudo.bank.Bank;
import escudo.bank.BankException;
import escudo.bank.CardNumbers;
import escudo.storage.Database;
import escudo.storage.Tx;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The S2 payment cards the bank issues on its customers' current accounts (seed 002: the card
 * number and expiry the holder puts into the issuer's part). A card draws on the current account
 * directly; it holds no money of its own. Numbers start with {@value #PREFIX}, apart from the S3
 * cards' prefix, and end with a Luhn check digit.
 */
public final class PaymentCards {

    /** The issuer identification prefix of S2 payment cards. */
    public static final String PREFIX = "4999";
    /** A card is valid through the end of the month this many years after issue. */
    public static final int VALIDITY_YEARS = 3;

    /** {@code MM/YY}; strict, so "13/30" or "1/30" never parse. */
    static final DateTimeFormatter EXPIRY = DateTimeFormatter.ofPattern("MM/uu").withResolverStyle(ResolverStyle.STRICT);
    private static final String COLUMNS = "card_number, expiry, holder_name, customer_id, blocked_at";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Bank bank;
    private final Database db;
    private final Clock clock;

    /** {@code db} is the issuer's database; the issuer's migrations hold the card table. */
    public PaymentCards(Bank bank, Database db, Clock clock) {
        this.bank = Objects.requireNonNull(bank, "bank");
        this.db = Objects.requireNonNull(db, "db");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * A new card for the customer, with the name the bank holds for them, valid through the end of
     * the month {@value #VALIDITY_YEARS} years from now. {@code issuer.unknown-customer} if the bank
     * has no such customer.
     */
    public PaymentCard issue(String customerId) {
        Instant now = clock.instant();
        String expiry = YearMonth.from(now.atOffset(ZoneOffset.UTC)).plusYears(VALIDITY_YEARS).format(EXPIRY);
        return db.inTransaction(tx -> {
            String name = bank.customerName(tx, customerId);
            String number = tx.insertWithFreshId(() -> CardNumbers.next(RANDOM, PREFIX),
                    candidate -> tx.tryInsert("INSERT INTO issuer_payment_card (card_number, customer_id, expiry, holder_name, created_at)"
                            + " VALUES (?, ?, ?, ?, ?)", candidate, customerId, expiry, name, now),
                    "card number");
            return new PaymentCard(number, expiry, name, customerId, false);
        });
    }

    /**
     * Blocks the card for good: every later authorisation with it is declined. Blocking a blocked
     * card changes nothing. {@code issuer.unknown-card} (NOT_FOUND) if there is no such card.
     */
    public void block(String cardNumber) {
        db.run(tx -> {
            if (tx.update("UPDATE issuer_payment_card SET blocked_at = ? WHERE card_number = ? AND blocked_at IS NULL",
                    clock.instant(), cardNumber) == 0 && find(tx, cardNumber, false).isEmpty()) {
                throw new BankException(BankException.UNKNOWN_CARD,
                        "no payment card " + PaymentCard.mask(String.valueOf(cardNumber)) + " at this bank");
            }
        });
    }

    public Optional<PaymentCard> find(String cardNumber) {
        return db.inTransaction(tx -> find(tx, cardNumber, false));
    }

    /** The customer's cards, oldest first; {@code issuer.unknown-customer} if the bank has no such customer. */
    public List<PaymentCard> ofCustomer(String customerId) {
        return db.inTransaction(tx -> {
            bank.customerName(tx, customerId);
            return tx.query("SELECT " + COLUMNS + " FROM issuer_payment_card WHERE customer_id = ? ORDER BY created_at, card_number",
                    PaymentCards::card, customerId);
        });
    }

    /** The card, its row locked against a concurrent {@link #block} when {@code lock} is set. */
    Optional<PaymentCard> find(Tx tx, String cardNumber, boolean lock) {
        return tx.queryOne("SELECT " + COLUMNS + " FROM issuer_payment_card WHERE card_number = ?" + (lock ? " FOR UPDATE" : ""),
                PaymentCards::card, cardNumber);
    }

    /** Whether a card with this expiry is past it at {@code now}: valid through the last day of its month (UTC). */
    static boolean expired(String expiry, Instant now) {
        try {
            return YearMonth.parse(expiry, EXPIRY).isBefore(YearMonth.from(now.atOffset(ZoneOffset.UTC)));
        } catch (DateTimeParseException e) {
            return true;
        }
    }

    private static PaymentCard card(ResultSet r) throws SQLException {
        return new PaymentCard(r.getString("card_number"), r.getString("expiry"), r.getString("holder_name"),
                r.getString("customer_id"), Tx.instant(r, "blocked_at") != null);
    }
}
