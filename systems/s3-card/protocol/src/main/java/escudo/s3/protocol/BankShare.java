package escudo.s3.protocol;

import escudo.crypto.Hpke;
import escudo.crypto.KeyShare;
import escudo.crypto.SecretAccess;
import java.nio.charset.StandardCharsets;

/**
 * Seed 003, step 250: the bank's key share S_C travels to the card sealed with HPKE to the card's
 * one-time transport key, bound to the card number, so only that card can ever hold it.
 */
public final class BankShare {

    static final String INFO = "escudo/s3/bank-share/v1";

    private BankShare() {
    }

    public static byte[] seal(KeyShare bankShare, byte[] cardTransportKey, String cardNumber) {
        return Hpke.seal(cardTransportKey, INFO, cardNumber.getBytes(StandardCharsets.UTF_8),
                bankShare.toBytes(SecretAccess.forSealedStorage()));
    }

    public static KeyShare open(Hpke.Recipient card, byte[] sealed, String cardNumber) {
        return KeyShare.fromBytes(card.open(sealed, INFO, cardNumber.getBytes(StandardCharsets.UTF_8), "bank key share"));
    }
}
