package escudo.ledger;

import escudo.core.Money;
import java.time.Instant;
import java.util.Currency;

/**
 * An account as it stood when read. {@code creditLimitMinor} is how far below zero the balance
 * may go, in minor units: 0 for a plain account, {@link Ledger#UNLIMITED} for the bank's external
 * account through which money enters and leaves the ledger. {@code balance} is what posted
 * transfers moved; {@code pendingDebits} and {@code pendingCredits} are the sums of the account's
 * pending holds, out of it and into it.
 */
public record Account(String id, AccountKind kind, String owner, Currency currency, long creditLimitMinor, Money balance,
                      Money pendingDebits, Money pendingCredits, Instant openedAt) {

    public boolean unlimited() {
        return creditLimitMinor == Ledger.UNLIMITED;
    }

    /** What the account may still spend before its credit limit: the balance less what holds reserve. */
    public Money available() {
        return balance.minus(pendingDebits);
    }
}
