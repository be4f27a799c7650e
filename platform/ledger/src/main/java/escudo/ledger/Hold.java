package escudo.ledger;

import escudo.core.Money;
import java.time.Instant;

/**
 * A pending transfer (a hold) as recorded: {@code amount} is reserved on {@code fromAccount}
 * while it is {@link State#PENDING}, moved once it is {@link State#POSTED}, released once it is
 * {@link State#VOIDED} or {@link State#EXPIRED}. {@code expiresAt} is null for a hold without expiry; {@code settledAt} is
 * when it was posted or voided. {@code replayed} is true when this call found the outcome
 * already recorded and changed nothing.
 */
public record Hold(String id, String fromAccount, String toAccount, Money amount, String memo, Instant createdAt,
                   Instant expiresAt, State state, Instant settledAt, boolean replayed) {

    public enum State {
        PENDING,
        POSTED,
        VOIDED,
        /** Voided by the ledger because its expiry passed before it was posted. */
        EXPIRED
    }

    /**
     * Whether the hold is past its expiry at {@code now}. An expired hold may still read PENDING
     * until the ledger voids it (see {@link Ledger#voidExpiredHolds()}), but it can no longer be posted.
     */
    public boolean expiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    Hold asReplay() {
        return new Hold(id, fromAccount, toAccount, amount, memo, createdAt, expiresAt, state, settledAt, true);
    }
}
