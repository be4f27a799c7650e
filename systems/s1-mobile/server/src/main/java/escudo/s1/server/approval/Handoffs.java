package escudo.s1.server.approval;

import escudo.bank.Bank;
import escudo.core.Money;
import escudo.crypto.CanonicalReader;
import escudo.crypto.CanonicalWriter;
import escudo.crypto.MacKey;
import escudo.s1.protocol.ApprovalException;
import escudo.s1.protocol.ApprovalRequest;
import escudo.s1.protocol.ApprovalStatus;
import escudo.s1.protocol.QrCode;
import escudo.s1.protocol.QrFrame;
import escudo.s1.protocol.RelyingParty;
import escudo.s1.protocol.SignedApproval;
import escudo.s1.protocol.Transaction;
import escudo.s1.server.ca.CertificationAuthority;
import escudo.storage.Tx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Function;

/**
 * Flow B, the local hand-off (seed 001, Figs. 4-5, S300-S400): the transaction goes from the PC to
 * the phone as an animated QR code and comes back signed over a local link, and the PC forwards it.
 * The bank keeps no pending store and pushes nothing: the page holds a ticket (the request under
 * the bank's MAC) and asks for the code's current frame with it each second; each frame carries the
 * request, the seconds since it was made and the bank's HMAC over both, under a second key. The
 * phone signs the frame it read, so the bank checks here that it made that frame, that the frame is
 * fresh (shown at most {@code freshness} ago: a photographed code goes stale), then everything
 * Flow A checks. A row is written only when a hand-off ends (done or cancelled), in one insert on
 * the approval id, so a signature and a cancel end it exactly once and a signature sent again
 * moves nothing.
 */
public final class Handoffs {

    /** How long after a frame was shown its signature is still taken: the time to enter the PIN and hand the signature over. */
    public static final Duration DEFAULT_FRESHNESS = Duration.ofSeconds(60);
    private static final String TICKET = "escudo/s1/handoff-ticket/v1";

    private final Payments payments;
    private final CertificationAuthority ca;
    private final RelyingParty trust;
    private final MacKey frameKey;
    private final MacKey ticketKey;
    private final Clock clock;
    private final Duration lifetime;
    private final Duration freshness;

    /** {@code frameKey} and {@code ticketKey} are two keys of the bank's own (its vault's MAC keys). */
    public Handoffs(Bank bank, CertificationAuthority ca, MacKey frameKey, MacKey ticketKey, Clock clock, Duration lifetime,
            Duration freshness) {
        this.payments = new Payments(bank, ca, clock);
        this.ca = ca;
        this.trust = RelyingParty.trusting(ca.root());
        this.frameKey = frameKey;
        this.ticketKey = ticketKey;
        this.clock = clock;
        this.lifetime = lifetime;
        this.freshness = freshness;
    }

    /** The page's handle: the approval's id, its ticket and when it expires. */
    public record Started(String approvalId, byte[] ticket, Instant expiresAt) {
        @Override
        public String toString() {
            return "Started[" + approvalId + ", expiresAt=" + expiresAt + "]";
        }
    }

    /** S300-S320 for online banking: a transfer to hand to the phone on this screen. */
    public Started transfer(String customerId, String phoneNumber, String payeeCustomerId, Money amount, String message) {
        return start(customerId, phoneNumber, tx -> payments.transfer(tx, customerId, payeeCustomerId, amount, message));
    }

    /** The same for a purchase at the bank's merchant {@code merchantId}. */
    public Started purchase(String customerId, String phoneNumber, String merchantId, Money amount, String description) {
        return start(customerId, phoneNumber, tx -> payments.purchase(tx, customerId, merchantId, amount, description));
    }

    private Started start(String customerId, String phoneNumber, Function<Tx, Transaction> transaction) {
        payments.requireCertificate(customerId, phoneNumber);
        Instant now = clock.instant();
        ApprovalRequest request = payments.bank().db().inTransaction(tx -> new ApprovalRequest(Payments.approvalId(), payments.bank().bankId(),
                payments.user(tx, customerId, phoneNumber), transaction.apply(tx), now, now.plus(lifetime)));
        byte[] encoded = request.encode();
        byte[] ticket = CanonicalWriter.domain(TICKET).bytes(encoded).bytes(ticketKey.tag(encoded)).toByteArray();
        return new Started(request.approvalId(), ticket, request.expiresAt());
    }

    /**
     * S330-S340: the frame to show now, for the page that holds {@code ticket}: the seconds since
     * the request was made, and the bank's code over request and seconds. Refused once the
     * hand-off expired or ended.
     */
    public QrFrame frame(byte[] ticket) {
        ApprovalRequest request = opened(ticket);
        Instant now = clock.instant();
        endedAs(request.approvalId()).ifPresent(status -> {
            throw ApprovalException.ended(status);
        });
        if (!now.isBefore(request.expiresAt())) {
            throw ApprovalException.ended(ApprovalStatus.EXPIRED);
        }
        long seconds = Math.max(0, Duration.between(request.createdAt(), now).toSeconds());
        return new QrFrame(request, seconds, frameKey.tag(QrFrame.coded(request, seconds)));
    }

    /** The frame as the PNG the page shows (ZXing). */
    public byte[] image(byte[] ticket) {
        return QrCode.png(frame(ticket).text());
    }

    /**
     * S390-S400: the PC forwards what the phone signed. Carried out once if the bank made the frame
     * (its code verifies), the frame is fresh, the hand-off is open, and the signature, the
     * certificate (chain, validity, standing) and its user check out as in Flow A.
     */
    public Approvals.View handOver(byte[] signed) {
        Instant now = clock.instant();
        SignedApproval.Verified verified = SignedApproval.verify(signed, trust, now);
        QrFrame frame = QrFrame.decode(verified.content());
        ApprovalRequest request = frame.request();
        if (!frameKey.verifies(frame.code(), QrFrame.coded(request, frame.seconds()))) {
            throw new ApprovalException(ApprovalException.CONTENT_MISMATCH, "the signed frame is not one this bank showed");
        }
        if (!now.isBefore(request.expiresAt())) {
            throw ApprovalException.ended(ApprovalStatus.EXPIRED);
        }
        if (frame.shownAt().plus(freshness).isBefore(now)) {
            throw new ApprovalException(ApprovalException.QR_STALE, "the phone signed a frame of the code shown more than "
                    + freshness.toSeconds() + " s ago: scan the screen again");
        }
        if (!verified.user().equals(request.user())) {
            throw new ApprovalException(ApprovalException.WRONG_USER, "the certificate is not the approval's user's");
        }
        ca.requireGood(verified.certificate());
        return payments.bank().db().inTransaction(tx -> {
            if (!end(tx, request, ApprovalStatus.DONE, now, verified.certificate().getSerialNumber().toString(16), signed)) {
                throw ApprovalException.ended(status(tx, request.approvalId()).orElseThrow());
            }
            payments.carryOut(tx, request);
            return new Approvals.View(request.approvalId(), ApprovalStatus.DONE, request.expiresAt(), request);
        });
    }

    /** The page cancels what it started; a hand-off already done stays done (and the page shows that). */
    public Approvals.View cancel(byte[] ticket) {
        ApprovalRequest request = opened(ticket);
        Instant now = clock.instant();
        if (!now.isBefore(request.expiresAt())) {
            return new Approvals.View(request.approvalId(), ApprovalStatus.EXPIRED, request.expiresAt(), request);
        }
        return payments.bank().db().inTransaction(tx -> {
            ApprovalStatus status = end(tx, request, ApprovalStatus.CANCELLED, now, null, null) ? ApprovalStatus.CANCELLED
                    : status(tx, request.approvalId()).orElseThrow();
            return new Approvals.View(request.approvalId(), status, request.expiresAt(), request);
        });
    }

    /** Ends the hand-off of {@code request} as {@code status}; false when it had ended already. */
    private static boolean end(Tx tx, ApprovalRequest request, ApprovalStatus status, Instant now, String signerSerial, byte[] signed) {
        return tx.tryInsert("INSERT INTO s1_handoff (approval_id, customer_id, status, decided_at, expires_at, signer_serial, signed)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)", request.approvalId(), request.user().customerId(), status.name(), now,
                request.expiresAt(), signerSerial, signed == null ? null : Base64.getEncoder().encodeToString(signed));
    }

    private Optional<ApprovalStatus> endedAs(String approvalId) {
        return payments.bank().db().inTransaction(tx -> status(tx, approvalId));
    }

    private static Optional<ApprovalStatus> status(Tx tx, String approvalId) {
        return tx.queryOne("SELECT status FROM s1_handoff WHERE approval_id = ?", row -> ApprovalStatus.valueOf(row.getString(1)), approvalId);
    }

    /** The request a ticket carries, if the bank's MAC says it made it; anything else is {@code s1.wrong-collect-token}. */
    private ApprovalRequest opened(byte[] ticket) {
        byte[] encoded;
        byte[] tag;
        try {
            CanonicalReader reader = CanonicalReader.expect(ticket, TICKET);
            encoded = reader.bytes();
            tag = reader.bytes();
            reader.end();
        } catch (RuntimeException e) {
            throw wrongTicket();
        }
        if (!ticketKey.verifies(tag, encoded)) {
            throw wrongTicket();
        }
        return ApprovalRequest.decode(encoded);
    }

    private static ApprovalException wrongTicket() {
        return new ApprovalException(ApprovalException.WRONG_TOKEN, "the ticket does not open a hand-off of this bank");
    }
}
