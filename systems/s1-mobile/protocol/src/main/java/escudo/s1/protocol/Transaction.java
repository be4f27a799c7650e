package escudo.s1.protocol;

import escudo.core.Money;
import escudo.core.Text;
import java.util.List;
import java.util.Objects;

/**
 * What a user approves with the phone (seed 001, [43]: "a bank transaction, a stock transaction,
 * an electronic commerce transaction"): each kind names its payee and amount, which the phone shows
 * and the signature covers (PSD2 RTS Art. 5, dynamic linking). A new kind is a new record here;
 * the envelope, the signing and the flows stay as they are.
 */
public sealed interface Transaction permits Transaction.Transfer, Transaction.Purchase {

    /** Always positive. */
    Money amount();

    /** The lines the phone shows, every one of them covered by the signature. */
    List<String> display();

    /** Online banking: money from the user's current account to another customer's. */
    record Transfer(String payeeCustomerId, String payeeName, Money amount, String message) implements Transaction {
        public Transfer {
            Text.requireId("payeeCustomerId", payeeCustomerId);
            Text.requireText("payeeName", payeeName, UserIdentity.MAX_NAME_LENGTH);
            requirePositive(amount);
            Text.requireText("message", message, 140);
        }

        @Override
        public List<String> display() {
            return List.of("Transfer " + amount, "to " + payeeName + " (" + payeeCustomerId + ")", "message: " + message);
        }
    }

    /** A shop's or a kiosk's sale: money from the user's current account to the merchant's deposit account. */
    record Purchase(String merchantId, String merchantName, Money amount, String description) implements Transaction {
        public Purchase {
            Text.requireId("merchantId", merchantId);
            Text.requireText("merchantName", merchantName, UserIdentity.MAX_NAME_LENGTH);
            requirePositive(amount);
            Text.requireText("description", description, 140);
        }

        @Override
        public List<String> display() {
            return List.of("Pay " + amount, "to " + merchantName + " (" + merchantId + ")", "for " + description);
        }
    }

    private static void requirePositive(Money amount) {
        Objects.requireNonNull(amount, "amount");
        if (amount.minorUnits() <= 0) {
            throw new ApprovalException(ApprovalException.INVALID_TRANSACTION, "an amount to approve is positive");
        }
    }
}
