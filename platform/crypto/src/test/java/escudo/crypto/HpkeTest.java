package escudo.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HpkeTest {

    private final Hpke.Recipient card = Hpke.Recipient.generate();
    private final byte[] secret = {1, 2, 3, 4, 5, 6, 7, 8};
    private final byte[] context = "card 4000-0001".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    @Test
    void onlyTheRecipientOpensWhatWasSealedToIt() {
        byte[] sealed = Hpke.seal(card.publicKey(), "escudo/s3/bank-share/v1", context, secret);
        assertArrayEquals(secret, card.open(sealed, "escudo/s3/bank-share/v1", context, "bank share"));
        Hpke.Recipient other = Hpke.Recipient.generate();
        assertEquals(CryptoException.DECRYPTION_FAILED,
                assertThrows(CryptoException.class, () -> other.open(sealed, "escudo/s3/bank-share/v1", context, "bank share")).code());
    }

    @Test
    void tamperedBytesOtherInfoOrOtherContextAreRefused() {
        byte[] sealed = Hpke.seal(card.publicKey(), "escudo/s3/bank-share/v1", context, secret);
        byte[] tampered = sealed.clone();
        tampered[sealed.length - 1] ^= 1;
        assertThrows(CryptoException.class, () -> card.open(tampered, "escudo/s3/bank-share/v1", context, "bank share"));
        assertThrows(CryptoException.class, () -> card.open(sealed, "escudo/s0/other/v1", context, "bank share"));
        assertThrows(CryptoException.class, () -> card.open(sealed, "escudo/s3/bank-share/v1", new byte[1], "bank share"));
    }

    @Test
    void recipientSurvivesSealedStorage() {
        Hpke.Recipient restored = Hpke.Recipient.fromPrivateKey(card.privateKey(SecretAccess.forSealedStorage()));
        assertArrayEquals(card.publicKey(), restored.publicKey());
        byte[] sealed = Hpke.seal(card.publicKey(), "i", context, secret);
        assertArrayEquals(secret, restored.open(sealed, "i", context, "x"));
    }

    @Test
    void aLowOrderEphemeralKeyIsRefusedAsUndecryptable() {
        assertEquals(CryptoException.DECRYPTION_FAILED,
                assertThrows(CryptoException.class, () -> card.open(new byte[64], "i", context, "x")).code());
    }
}
