package escudo.s4.session;

import escudo.core.Money;

/**
 * The provider's answer to one member's transaction (claim 20), sealed for that member: paid (the
 * ledger transfer's id as the receipt), approved (an order of zero), or refused with a stable code.
 */
public record Outcome(String status, String refusal, Money amount, String receipt) {

    public static final String PAID = "paid";
    public static final String APPROVED = "approved";
    public static final String REFUSED = "refused";

    public Outcome {
        java.util.Objects.requireNonNull(status, "status");
        java.util.Objects.requireNonNull(refusal, "refusal (empty when none)");
        java.util.Objects.requireNonNull(amount, "amount");
        java.util.Objects.requireNonNull(receipt, "receipt (empty when none)");
    }

    public boolean refused() {
        return REFUSED.equals(status);
    }
}
