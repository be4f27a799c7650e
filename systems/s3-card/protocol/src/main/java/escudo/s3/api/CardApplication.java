package escudo.s3.api;

import escudo.core.Bytes;
import escudo.core.Money;
import escudo.crypto.VerifyingKey;
import escudo.s3.protocol.CardKind;
import java.util.Objects;

/**
 * Seed 003, step 200: a customer asks for a card. {@code userShare} is P_U, generated inside the
 * card; {@code transportKey} is the card's one-time HPKE key the bank seals S_C to.
 * {@code amount} is the initial value (CASH), the credit limit (CREDIT), or the number of cheques
 * as minor units (CHEQUE).
 */
public record CardApplication(String customerId, CardKind kind, Money amount,
        VerifyingKey userShare, Bytes transportKey) {

    public CardApplication {
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(userShare, "userShare");
        Objects.requireNonNull(transportKey, "transportKey");
    }
}
