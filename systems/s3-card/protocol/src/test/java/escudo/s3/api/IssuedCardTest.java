package escudo.s3.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import escudo.core.Bytes;
import escudo.crypto.KeyShare;
import escudo.crypto.SigningKey;
import escudo.s3.protocol.CardCertificate;
import escudo.s3.protocol.CardKind;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What the bank hands back is a value: it compares by content, and the sealed share cannot be changed from outside. */
class IssuedCardTest {

    private final SigningKey bankKey = SigningKey.generate();
    private final CardCertificate cert = CardCertificate.issue("escudo-bank", "6099123456789014", CardKind.CASH, "EUR",
            Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2028-01-01T00:00:00Z"), "",
            KeyShare.generate().publicShare(), KeyShare.generate().publicShare(), bankKey);

    private IssuedCard issued(byte[] sealedBankShare) {
        return new IssuedCard(cert, Bytes.of(sealedBankShare), bankKey.verifyingKey(), 4000);
    }

    @Test
    void cardsIssuedWithTheSameContentAreEqual() {
        IssuedCard one = issued(new byte[] {5, 6, 7});
        IssuedCard same = issued(new byte[] {5, 6, 7});
        assertEquals(one, same);
        assertEquals(one.hashCode(), same.hashCode());
        assertNotEquals(one, issued(new byte[] {5, 6, 8}));
    }

    @Test
    void changingTheArrayItWasBuiltFromOrTheOneItHandsOutChangesNothing() {
        byte[] sealed = {5, 6, 7};
        IssuedCard issued = issued(sealed);
        sealed[0] = 0;
        issued.sealedBankShare().toByteArray()[1] = 0;
        assertEquals(Bytes.of(new byte[] {5, 6, 7}), issued.sealedBankShare());
        assertEquals(issued(new byte[] {5, 6, 7}), issued);
    }
}
