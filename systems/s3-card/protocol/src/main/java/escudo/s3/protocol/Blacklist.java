package escudo.s3.protocol;

import escudo.core.Bytes;
import escudo.crypto.CanonicalWriter;
import escudo.crypto.CryptoException;
import escudo.crypto.SigningKey;
import escudo.crypto.VerifyingKey;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The bank's signed list of blacklisted cards (seed 003, steps 420 and 660), dated so a merchant
 * can tell how fresh its copy is and a man in the middle cannot strip entries unnoticed.
 */
public record Blacklist(String bankId, Instant issuedAt, List<String> cardNumbers, Bytes signature) {

    public static final String DOMAIN = "escudo/s3/blacklist/v1";

    public Blacklist {
        Fields.text(bankId, "bankId", 64);
        issuedAt = Fields.millis(Objects.requireNonNull(issuedAt, "issuedAt"));
        cardNumbers = List.copyOf(cardNumbers).stream().sorted().toList();
        signature = Fields.signature(signature, "blacklist signature");
    }

    public static Blacklist sign(String bankId, Instant issuedAt, List<String> cardNumbers, SigningKey bankKey) {
        List<String> sorted = cardNumbers.stream().sorted().toList();
        Instant at = Fields.millis(issuedAt);
        return new Blacklist(bankId, at, sorted, Bytes.of(bankKey.sign(signedBytes(bankId, at, sorted))));
    }

    private static byte[] signedBytes(String bankId, Instant issuedAt, List<String> cardNumbers) {
        CanonicalWriter w = CanonicalWriter.domain(DOMAIN).string(bankId);
        Fields.instant(w, issuedAt);
        w.u32(cardNumbers.size());
        cardNumbers.forEach(w::string);
        return w.toByteArray();
    }

    public boolean contains(String cardNumber) {
        return java.util.Collections.binarySearch(cardNumbers, cardNumber) >= 0;
    }

    public void verify(VerifyingKey bankKey) {
        try {
            bankKey.verify(signature.toByteArray(), signedBytes(bankId, issuedAt, cardNumbers), "blacklist");
        } catch (CryptoException e) {
            throw new ProtocolException(ProtocolException.MESSAGE_FORGED, "blacklist is not signed by bank " + bankId);
        }
    }
}
