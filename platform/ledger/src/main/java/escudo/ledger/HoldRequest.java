package escudo.ledger;

import escudo.core.Money;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A request to reserve {@code amount} on one account in favour of another, to be posted or
 * voided later. {@code holdId} shares the id space of transfers and makes the request
 * idempotent like theirs. {@code expiresAt}, if not null, is when an unposted hold is voided.
 */
public record HoldRequest(String holdId, String fromAccount, String toAccount, Money amount, String memo, Instant expiresAt) {

    public HoldRequest {
        // The same checks as a transfer: ids, memo, a positive amount, two accounts.
        TransferRequest checked = new TransferRequest(holdId, fromAccount, toAccount, amount, memo);
        memo = checked.memo();
        // Stored to the microsecond (PostgreSQL's precision), so a repeated request compares equal.
        expiresAt = expiresAt == null ? null : expiresAt.truncatedTo(ChronoUnit.MICROS);
    }

    TransferRequest movement() {
        return new TransferRequest(holdId, fromAccount, toAccount, amount, memo);
    }

    /** Whether {@code hold} reserves what this request asks for; the memo does not count. */
    boolean sameAs(Hold hold) {
        return fromAccount.equals(hold.fromAccount()) && toAccount.equals(hold.toAccount()) && amount.equals(hold.amount())
                && Objects.equals(expiresAt, hold.expiresAt());
    }
}
