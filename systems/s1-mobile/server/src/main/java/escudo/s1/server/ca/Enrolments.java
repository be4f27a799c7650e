package escudo.s1.server.ca;

import escudo.bank.Bank;
import escudo.core.Text;
import escudo.crypto.SecretBox;
import escudo.s1.protocol.EnrolmentException;
import escudo.s1.protocol.UserIdentity;
import escudo.storage.Tx;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * The registration desk's reference numbers (seed 001, [43]: the user shows who they are at the
 * desk and gets "a reference number for downloading a digital certificate"): a 12-digit reference
 * and a one-time secret of 16 characters (80 bits), bound to one customer and phone number, good
 * for {@link #LIFETIME} and once, locked after {@link #MAX_FAILURES} wrong secrets.
 */
public final class Enrolments {

    public static final Duration LIFETIME = Duration.ofHours(1);
    public static final int MAX_FAILURES = 5;
    /** Crockford's base 32 without I, L, O, U: nothing a person reads wrong off a letter from the bank. */
    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final int SECRET_LENGTH = 16;
    private static final byte[] SECRET_DATA = "escudo/s1/enrolment-secret/v1".getBytes(StandardCharsets.UTF_8);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Bank bank;
    private final SecretBox box;
    private final Clock clock;

    public Enrolments(Bank bank, SecretBox box, Clock clock) {
        this.bank = bank;
        this.box = box;
        this.clock = clock;
    }

    /** What the desk hands the user: the reference, the secret (shown once, never again) and when they expire. */
    public record Issued(String reference, String secret, Instant expiresAt) {
        @Override
        public String toString() {
            return "Issued[reference=" + reference + ", expiresAt=" + expiresAt + "]"; // never the secret
        }
    }

    /** One enrolment as the CMP server reads it. */
    record Enrolment(String reference, String customerId, String phoneNumber, byte[] sealedSecret, Instant expiresAt,
                     int failures, String serial, String transactionId, String caNonce, Instant confirmedAt) {

        boolean issued() {
            return serial != null;
        }
    }

    /** A reference and secret for the bank's customer {@code customerId}, whose phone is {@code phoneNumber}. */
    public Issued issue(String customerId, String phoneNumber) {
        Text.requireId("customerId", customerId);
        UserIdentity.requirePhoneNumber(phoneNumber);
        return bank.db().inTransaction(tx -> {
            bank.customer(tx, customerId);
            String secret = random(SECRET_LENGTH);
            Instant now = clock.instant();
            Instant expiresAt = now.plus(LIFETIME);
            String sealed = Base64.getEncoder().encodeToString(box.seal(secret.getBytes(StandardCharsets.US_ASCII), SECRET_DATA));
            String reference = tx.insertWithFreshId(Enrolments::reference,
                    candidate -> tx.tryInsert("INSERT INTO s1_enrolment (reference, customer_id, phone_number, sealed_secret, expires_at,"
                            + " created_at) VALUES (?, ?, ?, ?, ?, ?)", candidate, customerId, phoneNumber, sealed, expiresAt, now),
                    "enrolment reference");
            return new Issued(reference, secret, expiresAt);
        });
    }

    Optional<Enrolment> find(Tx tx, String reference) {
        return tx.queryOne("SELECT * FROM s1_enrolment WHERE reference = ? FOR UPDATE", row -> new Enrolment(row.getString("reference"),
                row.getString("customer_id"), row.getString("phone_number"), Base64.getDecoder().decode(row.getString("sealed_secret")),
                Tx.instant(row, "expires_at"), row.getInt("failures"), row.getString("serial"), row.getString("transaction_id"),
                row.getString("ca_nonce"), Tx.instant(row, "confirmed_at")), reference);
    }

    /** Refuses a reference that cannot take a message now: unknown, locked, expired. */
    Enrolment usable(Tx tx, String reference) {
        Enrolment enrolment = find(tx, reference).orElseThrow(() -> new EnrolmentException(EnrolmentException.UNKNOWN_REFERENCE,
                "no enrolment has this reference number"));
        if (enrolment.failures() >= MAX_FAILURES) {
            throw new EnrolmentException(EnrolmentException.LOCKED_REFERENCE, "too many wrong secrets: ask the desk for a new reference number");
        }
        if (!clock.instant().isBefore(enrolment.expiresAt())) {
            throw new EnrolmentException(EnrolmentException.EXPIRED_REFERENCE, "the reference number has expired: ask the desk for a new one");
        }
        return enrolment;
    }

    /** Counts a try before its MAC is checked, so that a crash after a wrong guess still counts it (as the S3 card's PIN). */
    void countTry(Tx tx, String reference) {
        tx.update("UPDATE s1_enrolment SET failures = failures + 1 WHERE reference = ?", reference);
    }

    /** The MAC verified: the try was not a wrong one (counted in a transaction of its own before the check). */
    void uncountTry(Tx tx, String reference) {
        tx.update("UPDATE s1_enrolment SET failures = failures - 1 WHERE reference = ? AND failures > 0", reference);
    }

    char[] secret(Enrolment enrolment) {
        byte[] secret = box.open(enrolment.sealedSecret(), SECRET_DATA, "an enrolment secret");
        char[] chars = new String(secret, StandardCharsets.US_ASCII).toCharArray();
        java.util.Arrays.fill(secret, (byte) 0);
        return chars;
    }

    void issued(Tx tx, String reference, String serial, String transactionId, String caNonce) {
        tx.update("UPDATE s1_enrolment SET serial = ?, transaction_id = ?, ca_nonce = ?, issued_at = ? WHERE reference = ?",
                serial, transactionId, caNonce, clock.instant(), reference);
    }

    void confirmed(Tx tx, String reference) {
        tx.update("UPDATE s1_enrolment SET confirmed_at = ? WHERE reference = ?", clock.instant(), reference);
    }

    private static String reference() {
        StringBuilder digits = new StringBuilder(12);
        for (int i = 0; i < 12; i++) {
            digits.append((char) ('0' + RANDOM.nextInt(10)));
        }
        return digits.toString();
    }

    private static String random(int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(chars);
    }
}
