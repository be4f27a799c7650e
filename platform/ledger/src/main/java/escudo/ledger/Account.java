package escudo.ledger;

import escudo.core.Money;
import java.time.Instant;
import java.util.Currency;

/**
 * An account as it stood when read. {@code creditLimitMinor} is how far below zero the balance
 * may go, in minor units: 0 for a plain account, {@link Ledger#UNLIMITED} for the bank's external
 * account through which money enters and leaves the ledger.
 */
public record Account(String id, String owner, Currency currency, long creditLimitMinor, Money balance, Instant openedAt) {

    public boolean unlimited() {
        return creditLimitMinor == Ledger.UNLIMITED;
    }
}
