package escudo.s1.server.kiosk;

import escudo.core.EscudoException;
import escudo.core.Money;
import escudo.s1.protocol.ApprovalException;
import escudo.s1.protocol.CertificateException;
import escudo.s1.protocol.KioskChallenge;
import escudo.s1.protocol.RelyingParty;
import escudo.s1.protocol.SignedApproval;
import escudo.storage.Database;
import escudo.storage.Tx;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The unattended kiosk of seed 001, Figs. 6-7 (S500-S560), a part of a merchant's node: when the
 * user picks an item it shows a fresh {@link KioskChallenge}; the phone signs it with the PIN; the
 * kiosk checks the signature and the certificate's chain itself (S530), then asks the CA online
 * for the user's standing (OCSP, S540) and dispenses only on a good answer (S550). With the CA
 * unreachable it refuses, unless the amount is at most the floor limit and it holds a good answer
 * for that certificate from the last {@link #CACHE_AGE}. Each signed challenge is the user's
 * authorisation of that amount to this merchant, collected from the bank later (S560).
 */
public final class Kiosk {

    public static final Duration CHALLENGE_LIFETIME = Duration.ofMinutes(2);
    public static final Duration CACHE_AGE = Duration.ofMinutes(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String merchantId;
    private final String merchantName;
    private final Database db;
    private final Clock clock;
    private final Supplier<RelyingParty> trust;
    private final Function<byte[], byte[]> ocsp;
    private final long floorMinor;
    private final Map<BigInteger, Instant> goodAnswers = new ConcurrentHashMap<>();

    /**
     * @param trust the bank's S1 root as this kiosk was given it
     * @param ocsp  posts an OCSP request to the bank's CA and returns its answer; throws when the CA is unreachable
     * @param floorMinor the largest amount dispensed on a cached answer when the CA cannot be asked (0: never)
     */
    public Kiosk(String merchantId, String merchantName, Database db, Clock clock, Supplier<RelyingParty> trust,
                 Function<byte[], byte[]> ocsp, long floorMinor) {
        this.merchantId = merchantId;
        this.merchantName = merchantName;
        this.db = db;
        this.clock = clock;
        this.trust = trust;
        this.ocsp = ocsp;
        this.floorMinor = floorMinor;
        db.migrate("s1_kiosk");
    }

    /** S500: the user picked {@code item} at {@code amount}; the screen shows this challenge. */
    public KioskChallenge pick(String item, Money amount) {
        Instant now = clock.instant();
        KioskChallenge challenge = new KioskChallenge(challengeId(), merchantId, merchantName, item, amount, now, now.plus(CHALLENGE_LIFETIME));
        db.run(tx -> tx.update("INSERT INTO s1_kiosk_challenge (challenge_id, item, amount_minor, currency, issued_at, expires_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?)", challenge.challengeId(), item, amount.minorUnits(), amount.currency().getCurrencyCode(),
                challenge.issuedAt(), challenge.expiresAt()));
        return challenge;
    }

    /** The challenge as the phone reads it off the kiosk. */
    public KioskChallenge challenge(String challengeId) {
        return db.inTransaction(tx -> find(tx, challengeId)).challenge();
    }

    /** What the kiosk did with a signed challenge. */
    public record Dispensed(KioskChallenge challenge, String standing) {
    }

    /**
     * S520-S550: the phone's signature over challenge {@code challengeId}. Dispenses once if the
     * signature verifies under a certificate that chains to the bank's root, covers exactly this
     * challenge (item, price, merchant, time) for the user it names, and the CA says the
     * certificate is good (or, unreachable, the floor rule holds).
     */
    public Dispensed present(String challengeId, byte[] signed) {
        Instant now = clock.instant();
        Row row = db.inTransaction(tx -> find(tx, challengeId));
        if (row.presented()) {
            throw new ApprovalException(ApprovalException.DONE, "the challenge was answered already: a new item, a new challenge");
        }
        if (!now.isBefore(row.challenge().expiresAt())) {
            throw new ApprovalException(ApprovalException.EXPIRED, "the challenge expired: pick the item again");
        }
        RelyingParty relyingParty = trust.get();
        SignedApproval.Verified verified = SignedApproval.verify(signed, relyingParty, now);
        if (!MessageDigest.isEqual(row.challenge().request(verified.user()).encode(), verified.content())) {
            throw new ApprovalException(ApprovalException.CONTENT_MISMATCH, "the signature is for another item, price, kiosk or time");
        }
        String standing = standing(relyingParty, verified.certificate(), row.challenge().amount(), now);
        boolean first = db.inTransaction(tx -> tx.update("UPDATE s1_kiosk_challenge SET presented_at = ?, signed = ?, standing = ?"
                + " WHERE challenge_id = ? AND presented_at IS NULL", now, Base64.getEncoder().encodeToString(signed), standing, challengeId) == 1);
        if (!first) {
            throw new ApprovalException(ApprovalException.DONE, "the challenge was answered already: a new item, a new challenge");
        }
        return new Dispensed(row.challenge(), standing);
    }

    /** The signed challenges the bank has not paid yet, oldest first, with their ids. */
    public List<Map.Entry<String, byte[]>> uncollected() {
        return db.inTransaction(tx -> tx.query("SELECT challenge_id, signed FROM s1_kiosk_challenge WHERE signed IS NOT NULL AND collected_at IS NULL"
                + " ORDER BY presented_at", r -> Map.entry(r.getString(1), Base64.getDecoder().decode(r.getString(2)))));
    }

    /** The bank answered for {@code challengeId}: paid ({@code refusal} null) or refused with that code; either way not sent again. */
    public void collected(String challengeId, String refusal) {
        db.run(tx -> tx.update("UPDATE s1_kiosk_challenge SET collected_at = ?, refusal = ? WHERE challenge_id = ?", clock.instant(), refusal,
                challengeId));
    }

    /** S540: "online" on a good OCSP answer; "cached" when the CA cannot be reached and the floor rule holds; else refused. */
    private String standing(RelyingParty relyingParty, X509Certificate certificate, Money amount, Instant now) {
        RelyingParty.OcspQuery query = relyingParty.query(certificate);
        byte[] answer;
        try {
            answer = ocsp.apply(query.request());
        } catch (EscudoException unreachable) {
            Instant lastGood = goodAnswers.get(certificate.getSerialNumber());
            if (amount.minorUnits() <= floorMinor && lastGood != null && lastGood.isAfter(now.minus(CACHE_AGE))) {
                return "cached";
            }
            throw new CertificateException(CertificateException.STATUS_UNKNOWN,
                    "the CA cannot be reached, and the kiosk dispenses on a cached answer only up to its floor limit");
        }
        RelyingParty.OcspStanding good = relyingParty.status(query, answer, now); // revoked or unknown: refused
        goodAnswers.put(certificate.getSerialNumber(), good.thisUpdate());
        return "online";
    }

    private record Row(KioskChallenge challenge, boolean presented) {
    }

    private Row find(Tx tx, String challengeId) {
        Optional<Row> row = tx.queryOne("SELECT * FROM s1_kiosk_challenge WHERE challenge_id = ?", r -> new Row(new KioskChallenge(
                r.getString("challenge_id"), merchantId, merchantName, r.getString("item"),
                Money.of(r.getLong("amount_minor"), r.getString("currency")), Tx.instant(r, "issued_at"), Tx.instant(r, "expires_at")),
                Tx.instant(r, "presented_at") != null), challengeId);
        return row.orElseThrow(() -> new ApprovalException(ApprovalException.UNKNOWN, "the kiosk showed no such challenge"));
    }

    private static String challengeId() {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return "kch-" + HexFormat.of().formatHex(id);
    }
}
