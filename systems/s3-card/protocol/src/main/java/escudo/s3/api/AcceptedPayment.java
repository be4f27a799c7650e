package escudo.s3.api;

import escudo.core.Money;
import escudo.s3.protocol.DepositReceipt.Outcome;
import java.time.Instant;

/**
 * A payment the merchant holds. {@code status} is null while it waits in the next deposit
 * (COLLECTED) and the bank's outcome once deposited or cleared online.
 */
public record AcceptedPayment(String cardNumber, long serial, String reference, Money amount, Outcome status,
        Money credited, String code, String detail, Instant acceptedAt, Instant settledAt) {

    public boolean collected() {
        return status == null;
    }
}
