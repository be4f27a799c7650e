package escudo.s4.session;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import javax.crypto.DecapsulateException;
import javax.crypto.KEM;

/** ML-KEM-768 (FIPS 203) as the JDK has it: the post-quantum half of a hybrid key exchange. */
final class MlKem {

    /** The longest encapsulation key (X.509 SubjectPublicKeyInfo) or ciphertext a member may send. */
    static final int MAX_LENGTH = 2048;

    private MlKem() {
    }

    static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("ML-KEM-768").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ML-KEM-768 is in every JDK 25", e);
        }
    }

    record Encapsulated(byte[] ciphertext, byte[] secret) {
    }

    /** Encapsulates to the member's key (its X.509 encoding); a key that is not ML-KEM-768 is malformed. */
    static Encapsulated encapsulate(byte[] encapsulationKey) {
        PublicKey key;
        try {
            key = KeyFactory.getInstance("ML-KEM").generatePublic(new X509EncodedKeySpec(encapsulationKey));
            if (!(key.getParams() instanceof NamedParameterSpec named) || !named.getName().equals("ML-KEM-768")) {
                throw new SessionException(SessionException.MALFORMED, "the hybrid key exchange takes an ML-KEM-768 key");
            }
            KEM.Encapsulated encapsulated = KEM.getInstance("ML-KEM").newEncapsulator(key).encapsulate();
            return new Encapsulated(encapsulated.encapsulation(), encapsulated.key().getEncoded());
        } catch (GeneralSecurityException | RuntimeException e) {
            if (e instanceof SessionException refusal) {
                throw refusal;
            }
            throw new SessionException(SessionException.MALFORMED, "not an ML-KEM-768 encapsulation key", e);
        }
    }

    static byte[] decapsulate(PrivateKey key, byte[] ciphertext) {
        try {
            return KEM.getInstance("ML-KEM").newDecapsulator(key).decapsulate(ciphertext).getEncoded();
        } catch (DecapsulateException | IllegalArgumentException e) {
            throw new SessionException(SessionException.NOT_FOR_THIS_MEMBER, "the ML-KEM ciphertext does not open under this member's key", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ML-KEM-768 is in every JDK 25", e);
        }
    }
}
