package escudo.s1.api;

import escudo.core.Bytes;
import escudo.core.Money;
import escudo.s1.protocol.ApprovalStatus;
import java.time.Instant;
import java.util.List;

/** The JSON bodies of Flows A and B (seed 001, Figs. 3 and 5) at the bank: the page's, and the phone's (docs/api.md, S1). */
public final class ApprovalApi {

    private ApprovalApi() {
    }

    /** {@code POST /issuer/s1/approvals/transfers}: the page's transfer, to be approved on the phone with that number. */
    public record StartTransfer(String customerId, String phoneNumber, String payeeCustomerId, Money amount, String message) {
    }

    /** {@code POST /issuer/s1/approvals/purchases}: a sale at one of the bank's merchants. */
    public record StartPurchase(String customerId, String phoneNumber, String merchantId, Money amount, String description) {
    }

    /** The page's handle on what it started: it follows and cancels with {@code collectToken}, which nobody else has. */
    public record Started(String approvalId, String collectToken, Instant expiresAt) {
        @Override
        public String toString() {
            return "Started[" + approvalId + ", expiresAt=" + expiresAt + "]";
        }
    }

    /** {@code POST /issuer/s1/approvals/{id}/collect} and {@code /cancel}. */
    public record Collect(String collectToken) {
        @Override
        public String toString() {
            return "Collect[]";
        }
    }

    /** Where an approval stands, with the hint the page shows. */
    public record Status(String approvalId, ApprovalStatus status, String hint, Instant expiresAt) {
    }

    /** {@code POST /issuer/s1/phone/pending}: what waits for this phone, each as the canonical bytes it shows and signs. */
    public record Pending(List<Bytes> approvals) {
    }

    /** {@code POST /issuer/s1/approvals/{id}/signature}: the phone's CMS SignedData. */
    public record Signature(Bytes signed) {
    }

    /**
     * Flow B: {@code POST /issuer/s1/handoffs/transfers} (or {@code /purchases}, with the bodies above) answers the page's
     * handle on a local hand-off. The bank keeps nothing: the ticket carries the request under the bank's MAC, and the page
     * shows it back for each frame of the QR code and to cancel.
     */
    public record Handoff(String approvalId, Bytes ticket, Instant expiresAt) {
        @Override
        public String toString() {
            return "Handoff[" + approvalId + ", expiresAt=" + expiresAt + "]";
        }
    }

    /** {@code POST /issuer/s1/handoffs/frame} (the PNG of the code's current frame) and {@code /cancel}. */
    public record Ticket(Bytes ticket) {
        @Override
        public String toString() {
            return "Ticket[]";
        }
    }
}
