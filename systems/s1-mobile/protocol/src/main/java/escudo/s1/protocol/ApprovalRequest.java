package escudo.s1.protocol;

import escudo.crypto.CanonicalReader;
import escudo.crypto.CanonicalWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the phone shows and signs for one approval (seed 001, S240: "the user information and the
 * transaction history"): the approval's id, the service that asks, the user as the certificate
 * names them, the transaction, and its lifetime. Its {@link #encode canonical bytes} are the CMS
 * content the phone signs and the service compares byte for byte with what it stored, so a
 * signature covers the amount and the payee (dynamic linking) and belongs to this approval only.
 */
public record ApprovalRequest(String approvalId, String service, UserIdentity user, Transaction transaction, Instant createdAt,
                              Instant expiresAt) {

    static final String DOMAIN = "escudo/s1/approval/v1";
    private static final int TRANSFER = 1;
    private static final int PURCHASE = 2;

    public ApprovalRequest {
        escudo.core.Text.requireId("approvalId", approvalId);
        escudo.core.Text.requireId("service", service);
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(transaction, "transaction");
        createdAt = createdAt.truncatedTo(ChronoUnit.MILLIS); // as encoded
        expiresAt = expiresAt.truncatedTo(ChronoUnit.MILLIS);
        if (!expiresAt.isAfter(createdAt)) {
            throw new ApprovalException(ApprovalException.INVALID_TRANSACTION, "an approval expires after it was made");
        }
    }

    /** The lines the phone shows: who asks, for whom, the transaction's own lines, until when. */
    public List<String> display() {
        List<String> lines = new ArrayList<>();
        lines.add(service + " asks " + user.name() + " (" + user.customerId() + ") to approve:");
        lines.addAll(transaction.display());
        lines.add("valid until " + expiresAt);
        return lines;
    }

    public byte[] encode() {
        CanonicalWriter w = CanonicalWriter.domain(DOMAIN).string(approvalId).string(service)
                .string(user.name()).string(user.customerId()).string(user.phoneNumber());
        switch (transaction) {
            case Transaction.Transfer t -> w.u8(TRANSFER).string(t.payeeCustomerId()).string(t.payeeName()).money(t.amount()).string(t.message());
            case Transaction.Purchase p -> w.u8(PURCHASE).string(p.merchantId()).string(p.merchantName()).money(p.amount()).string(p.description());
        }
        return w.i64(createdAt.toEpochMilli()).i64(expiresAt.toEpochMilli()).toByteArray();
    }

    /** Reads what {@link #encode} wrote; anything else is {@code s1.bad-signature} (it is what a signature claims to cover). */
    public static ApprovalRequest decode(byte[] encoded) {
        try {
            CanonicalReader r = CanonicalReader.expect(encoded, DOMAIN);
            String id = r.string();
            String service = r.string();
            UserIdentity user = new UserIdentity(r.string(), r.string(), r.string());
            Transaction transaction = switch (r.u8()) {
                case TRANSFER -> new Transaction.Transfer(r.string(), r.string(), r.money(), r.string());
                case PURCHASE -> new Transaction.Purchase(r.string(), r.string(), r.money(), r.string());
                default -> throw new IllegalArgumentException("unknown transaction kind");
            };
            ApprovalRequest request = new ApprovalRequest(id, service, user, transaction, Instant.ofEpochMilli(r.i64()), Instant.ofEpochMilli(r.i64()));
            r.end();
            return request;
        } catch (RuntimeException e) {
            throw new ApprovalException(ApprovalException.BAD_SIGNATURE, "the signed content is not an approval request");
        }
    }
}
