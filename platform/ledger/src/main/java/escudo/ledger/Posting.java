package escudo.ledger;

import escudo.core.Money;
import java.time.Instant;

/**
 * One line of an account's history: {@code amount} is negative when money left the account
 * (the debit side of the transfer) and positive when it arrived; {@code balanceAfter} is the
 * account's balance right after it.
 */
public record Posting(String transferId, String accountId, String counterparty, Money amount, Money balanceAfter,
                      String memo, Instant at) {
}
