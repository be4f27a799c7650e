package escudo.ledger;

import escudo.core.Money;
import java.time.Instant;

/**
 * A recorded transfer. {@code replayed} is true when this call found the transfer already
 * recorded under its id and moved nothing.
 */
public record Transfer(String id, String fromAccount, String toAccount, Money amount, String memo,
                       Instant createdAt, boolean replayed) {

    Transfer asReplay() {
        return new Transfer(id, fromAccount, toAccount, amount, memo, createdAt, true);
    }
}
