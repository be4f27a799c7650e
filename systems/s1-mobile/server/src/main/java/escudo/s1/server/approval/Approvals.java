package escudo.s1.server.approval;

import escudo.bank.Bank;
import escudo.core.Money;
import escudo.crypto.Digest;
import escudo.node.http.EventStream;
import escudo.s1.protocol.ApprovalException;
import escudo.s1.protocol.ApprovalRequest;
import escudo.s1.protocol.ApprovalStatus;
import escudo.s1.protocol.CertificateException;
import escudo.s1.protocol.CertificateProfile;
import escudo.s1.protocol.PhoneProof;
import escudo.s1.protocol.RelyingParty;
import escudo.s1.protocol.SignedApproval;
import escudo.s1.protocol.Transaction;
import escudo.s1.protocol.UserIdentity;
import escudo.s1.server.ca.CertificationAuthority;
import escudo.storage.Tx;
import java.nio.charset.StandardCharsets;
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
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The bank's online banking as a service that relies on S1 certificates (seed 001, Fig. 3,
 * S150-S270): a transaction started on a PC for the user's phone is stored as a pending approval
 * (the history database 36) and followed by the page with a collect token; the phone fetches it
 * by proving it holds its certificate's key, shows it, and sends it back signed (CMS); the service
 * verifies signature, chain, validity, revocation (OCSP), the user, and that the content is byte
 * for byte the pending one, then carries it out in the ledger once. Every approval ends in exactly
 * one of done, declined, cancelled or expired: each transition is one conditional update.
 */
public final class Approvals {

    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(3);
    /** How long one push stream stays open; the phone opens the next one. */
    public static final Duration STREAM_LIFETIME = Duration.ofMinutes(10);
    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Bank bank;
    private final CertificationAuthority ca;
    private final Payments payments;
    private final RelyingParty trust;
    private final Clock clock;
    private final Duration lifetime;
    /** One bell per customer and phone, rung when an approval for it is stored. */
    private final Map<String, Bell> bells = new ConcurrentHashMap<>();

    public Approvals(Bank bank, CertificationAuthority ca, Clock clock, Duration lifetime) {
        this.bank = bank;
        this.ca = ca;
        this.payments = new Payments(bank, ca, clock);
        this.trust = RelyingParty.trusting(ca.root());
        this.clock = clock;
        this.lifetime = lifetime;
    }

    /** What the page gets when it starts an approval: its id, the token it follows and cancels it with, and when it expires. */
    public record Started(String approvalId, String collectToken, Instant expiresAt) {
        @Override
        public String toString() {
            return "Started[" + approvalId + ", expiresAt=" + expiresAt + "]"; // never the token
        }
    }

    /** One approval as the page or the desk sees it. */
    public record View(String approvalId, ApprovalStatus status, Instant expiresAt, ApprovalRequest request) {
    }

    /**
     * S150-S210 for online banking: the user chose "certificate on my phone" for a transfer to
     * {@code payeeCustomerId} and gave {@code phoneNumber}. The payee's name comes from the bank.
     */
    public Started transfer(String customerId, String phoneNumber, String payeeCustomerId, Money amount, String message) {
        return start(customerId, phoneNumber, tx -> payments.transfer(tx, customerId, payeeCustomerId, amount, message));
    }

    /** The same for a purchase at the bank's merchant {@code merchantId} (a shop's or a kiosk's sale). */
    public Started purchase(String customerId, String phoneNumber, String merchantId, Money amount, String description) {
        return start(customerId, phoneNumber, tx -> payments.purchase(tx, customerId, merchantId, amount, description));
    }

    /** Stores the approval, refused unless the customer has a good certificate on that phone. */
    private Started start(String customerId, String phoneNumber, Function<Tx, Transaction> transaction) {
        payments.requireCertificate(customerId, phoneNumber);
        byte[] token = new byte[32];
        RANDOM.nextBytes(token);
        String collectToken = HexFormat.of().formatHex(token);
        Started started = bank.db().inTransaction(tx -> {
            UserIdentity user = payments.user(tx, customerId, phoneNumber);
            Transaction what = transaction.apply(tx);
            Instant now = clock.instant();
            String id = tx.insertWithFreshId(Payments::approvalId, candidate -> tx.tryInsert(
                    "INSERT INTO s1_approval (approval_id, customer_id, phone_number, content, collect_token_hash, status, created_at, expires_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", candidate, customerId, phoneNumber,
                    base64(new ApprovalRequest(candidate, bank.bankId(), user, what, now, now.plus(lifetime)).encode()),
                    hash(collectToken), ApprovalStatus.WAITING.name(), now, now.plus(lifetime)), "approval id");
            return new Started(id, collectToken, request(tx, id).orElseThrow().expiresAt());
        });
        bell(customerId, phoneNumber).ring(); // after the commit: the phone's fetch finds it
        return started;
    }

    /**
     * S210, the push channel: the phone that proves it holds its certificate's key (purpose
     * {@code events}) hears "pending" whenever an approval for it waits, never what it is for: it
     * fetches that with {@link #pending}. Authenticated here, before the stream opens; the stream
     * itself is {@link #push}.
     */
    public Subscription subscribe(PhoneProof proof) {
        UserIdentity user = authenticated(proof, PhoneProof.EVENTS);
        return new Subscription(user, bell(user.customerId(), user.phoneNumber()));
    }

    /** Who listens, and the bell they listen to. */
    public record Subscription(UserIdentity user, Bell bell) {
    }

    /**
     * Writes the stream of {@code subscription}: a "pending" event with the number of approvals
     * waiting (at once if any wait, then each time a new one is stored), a keep-alive every
     * 15 seconds, and the end after {@link #STREAM_LIFETIME} or when the
     * phone goes away. A seam for an SMS gateway is a second listener on the same bell (docs/s1-mobile.md).
     */
    public void push(Subscription subscription, EventStream.Sink sink) {
        long deadline = System.nanoTime() + STREAM_LIFETIME.toNanos();
        long announced = -1;
        while (System.nanoTime() < deadline) {
            long rung = subscription.bell().rings();
            if (rung != announced) {
                long waiting = waiting(subscription.user());
                if (waiting > 0 && !sink.send("pending", "{\"waiting\":" + waiting + "}")) {
                    return;
                }
                announced = rung;
            }
            subscription.bell().await(rung, KEEP_ALIVE);
            if (!sink.keepAlive()) {
                return;
            }
        }
    }

    private long waiting(UserIdentity user) {
        Instant now = clock.instant();
        return bank.db().inTransaction(tx -> tx.queryOne("SELECT COUNT(*) FROM s1_approval WHERE customer_id = ? AND phone_number = ?"
                + " AND status = ? AND expires_at > ?", row -> row.getLong(1), user.customerId(), user.phoneNumber(),
                ApprovalStatus.WAITING.name(), now).orElse(0L));
    }

    private Bell bell(String customerId, String phoneNumber) {
        return bells.computeIfAbsent(customerId + " " + phoneNumber, key -> new Bell());
    }

    /** A counter that listeners wait on, rung by each new approval. */
    public static final class Bell {
        private long rings;

        synchronized long rings() {
            return rings;
        }

        synchronized void ring() {
            rings++;
            notifyAll();
        }

        /** Waits until the bell rang since {@code seen}, or {@code timeout} passed. */
        synchronized void await(long seen, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                for (long left = timeout.toMillis(); rings == seen && left > 0; left = (deadline - System.nanoTime()) / 1_000_000) {
                    wait(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** S230: the approvals waiting for the phone that proves it holds its certificate's key; each is then DELIVERED. */
    public List<ApprovalRequest> pending(PhoneProof proof) {
        UserIdentity user = authenticated(proof, PhoneProof.PENDING);
        Instant now = clock.instant();
        return bank.db().inTransaction(tx -> {
            expire(tx, now);
            List<String> ids = tx.query("SELECT approval_id FROM s1_approval WHERE customer_id = ? AND phone_number = ? AND status IN (?, ?)"
                    + " ORDER BY created_at", row -> row.getString(1), user.customerId(), user.phoneNumber(),
                    ApprovalStatus.WAITING.name(), ApprovalStatus.DELIVERED.name());
            tx.update("UPDATE s1_approval SET status = ?, delivered_at = ? WHERE customer_id = ? AND phone_number = ? AND status = ?",
                    ApprovalStatus.DELIVERED.name(), now, user.customerId(), user.phoneNumber(), ApprovalStatus.WAITING.name());
            return ids.stream().map(id -> request(tx, id).orElseThrow()).toList();
        });
    }

    /**
     * S250-S270: the phone's signed approval. Carried out once if its signature, certificate
     * (chain, validity, OCSP), user and content all check out and the approval is still open.
     */
    public View approve(String approvalId, byte[] signed) {
        Instant now = clock.instant();
        SignedApproval.Verified verified = SignedApproval.verify(signed, trust, now);
        requireGood(verified.certificate());
        return bank.db().inTransaction(tx -> {
            Row row = row(tx, approvalId, true);
            requireOpen(row, now);
            ApprovalRequest request = ApprovalRequest.decode(row.content());
            if (!MessageDigest.isEqual(row.content(), verified.content())) {
                throw new ApprovalException(ApprovalException.CONTENT_MISMATCH, "the signed content is not this pending approval");
            }
            if (!verified.user().equals(request.user())) {
                throw new ApprovalException(ApprovalException.WRONG_USER, "the certificate is not the approval's user's");
            }
            payments.carryOut(tx, request);
            tx.update("UPDATE s1_approval SET status = ?, decided_at = ?, signer_serial = ?, signed = ? WHERE approval_id = ?",
                    ApprovalStatus.DONE.name(), now, verified.certificate().getSerialNumber().toString(16), base64(signed), approvalId);
            return new View(approvalId, ApprovalStatus.DONE, request.expiresAt(), request);
        });
    }

    /**
     * Flow C, S560: a kiosk's merchant collects a challenge the user signed at its kiosk. The
     * signature must verify under a certificate of the bank's root, name a purchase at that
     * merchant, and be signed while the certificate was good; the amount moves from the user's
     * account to the merchant's once (the ledger transfer is idempotent by the challenge's id), so
     * sending it again pays nothing more. Returns what was paid.
     */
    public Money collectKioskPurchase(byte[] signed) {
        Instant now = clock.instant();
        SignedApproval.Verified verified = SignedApproval.verify(signed, trust, now);
        ApprovalRequest request = ApprovalRequest.decode(verified.content());
        if (!(request.transaction() instanceof Transaction.Purchase purchase) || !purchase.merchantId().equals(request.service())
                || !verified.user().equals(request.user())) {
            throw new ApprovalException(ApprovalException.CONTENT_MISMATCH, "not a kiosk purchase signed by its user");
        }
        ca.entry(verified.certificate().getSerialNumber()).filter(e -> e.revokedAt() != null && !e.revokedAt().isAfter(request.createdAt()))
                .ifPresent(e -> {
                    throw new CertificateException(CertificateException.REVOKED, "the certificate was revoked before the purchase was signed");
                });
        return bank.db().inTransaction(tx -> {
            bank.moveCustomerFunds(tx, "s1-kiosk:" + purchase.merchantId() + ":" + request.approvalId(), bank.customer(tx, request.user().customerId()),
                    bank.depositAccount(tx, purchase.merchantId()).id(), purchase.amount(), "S1 kiosk " + purchase.merchantId() + ": " + purchase.description());
            return purchase.amount();
        });
    }

    /** The user said no on the phone, which proves it holds the approval's user's key. */
    public View decline(String approvalId, PhoneProof proof) {
        UserIdentity user = authenticated(proof, PhoneProof.decline(approvalId));
        return end(approvalId, ApprovalStatus.DECLINED, row -> {
            if (!ApprovalRequest.decode(row.content()).user().equals(user)) {
                throw new ApprovalException(ApprovalException.WRONG_USER, "the phone is not the approval's user's");
            }
        });
    }

    /** The page cancels what it started. */
    public View cancel(String approvalId, String collectToken) {
        return end(approvalId, ApprovalStatus.CANCELLED, row -> requireToken(row, collectToken));
    }

    /** The page follows what it started (S270: "tells the PC"). */
    public View collect(String approvalId, String collectToken) {
        Instant now = clock.instant();
        return bank.db().inTransaction(tx -> {
            expire(tx, now);
            Row row = row(tx, approvalId, false);
            requireToken(row, collectToken);
            ApprovalRequest request = ApprovalRequest.decode(row.content());
            return new View(approvalId, row.status(), request.expiresAt(), request);
        });
    }

    private View end(String approvalId, ApprovalStatus status, Consumer<Row> check) {
        Instant now = clock.instant();
        return bank.db().inTransaction(tx -> {
            Row row = row(tx, approvalId, true);
            check.accept(row);
            requireOpen(row, now);
            tx.update("UPDATE s1_approval SET status = ?, decided_at = ? WHERE approval_id = ?", status.name(), now, approvalId);
            ApprovalRequest request = ApprovalRequest.decode(row.content());
            return new View(approvalId, status, request.expiresAt(), request);
        });
    }

    /** The user of a proof whose certificate the CA says is good now. */
    private UserIdentity authenticated(PhoneProof proof, String purpose) {
        X509Certificate certificate = proof.verify(purpose, trust, clock.instant());
        requireGood(certificate);
        return CertificateProfile.user(certificate);
    }

    /**
     * Revocation. Relying parties elsewhere ask the CA's OCSP responder; the bank is the CA's own
     * node, so it reads the facts the responder would sign (issued here, confirmed, not revoked)
     * instead of signing an answer only to verify it again on every approval.
     */
    private void requireGood(X509Certificate certificate) {
        ca.requireGood(certificate);
    }

    /** Refuses a move out of a final status, or past the expiry (which the next read records: this transaction rolls back). */
    private static void requireOpen(Row row, Instant now) {
        if (row.status().isFinal()) {
            throw ApprovalException.ended(row.status());
        }
        if (!now.isBefore(row.expiresAt())) {
            throw ApprovalException.ended(ApprovalStatus.EXPIRED);
        }
    }

    private static void expire(Tx tx, Instant now) {
        tx.update("UPDATE s1_approval SET status = ?, decided_at = expires_at WHERE status IN (?, ?) AND expires_at <= ?",
                ApprovalStatus.EXPIRED.name(), ApprovalStatus.WAITING.name(), ApprovalStatus.DELIVERED.name(), now);
    }

    private static void requireToken(Row row, String collectToken) {
        if (collectToken == null || !MessageDigest.isEqual(hash(collectToken).getBytes(), row.collectTokenHash().getBytes())) {
            throw new ApprovalException(ApprovalException.WRONG_TOKEN, "the collect token does not open this approval");
        }
    }

    private record Row(String approvalId, byte[] content, String collectTokenHash, ApprovalStatus status, Instant expiresAt) {
    }

    private static Row row(Tx tx, String approvalId, boolean forUpdate) {
        return tx.queryOne("SELECT approval_id, content, collect_token_hash, status, expires_at FROM s1_approval WHERE approval_id = ?"
                        + (forUpdate ? " FOR UPDATE" : ""), r -> new Row(r.getString(1), Base64.getDecoder().decode(r.getString(2)), r.getString(3),
                        ApprovalStatus.valueOf(r.getString(4)), Tx.instant(r, "expires_at")), approvalId)
                .orElseThrow(() -> new ApprovalException(ApprovalException.UNKNOWN, "no such approval"));
    }

    private static Optional<ApprovalRequest> request(Tx tx, String approvalId) {
        return tx.queryOne("SELECT content FROM s1_approval WHERE approval_id = ?",
                r -> ApprovalRequest.decode(Base64.getDecoder().decode(r.getString(1))), approvalId);
    }

    private static String hash(String token) {
        return HexFormat.of().formatHex(Digest.sha256(token.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
