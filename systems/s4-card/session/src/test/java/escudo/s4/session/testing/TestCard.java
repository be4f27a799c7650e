package escudo.s4.session.testing;

import escudo.s4.session.Signer;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;

/**
 * A member's card key in the JDK, for the protocol's and the provider's tests: it signs the SHA-256
 * it is handed, as a card record does. The terminal's tests sign on both real cards of part 1.
 */
public final class TestCard implements Signer {

    private final KeyPair keys;

    public TestCard() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            keys = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public ECPublicKey publicKey() {
        return (ECPublicKey) keys.getPublic();
    }

    @Override
    public byte[] sign(byte[] sha256) {
        try {
            Signature signer = Signature.getInstance("NONEwithECDSA");
            signer.initSign(keys.getPrivate());
            signer.update(sha256);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
