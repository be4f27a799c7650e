package escudo.s3.card;

import escudo.crypto.Digest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * The PIN as the card keeps it: a salted SHA-256, compared in constant time. The hash lives only
 * inside the sealed state, and whoever can open that state holds both key shares anyway, so a slow
 * password hash would protect nothing more; the try counter is what stops guessing.
 */
final class Pin {

    static final int SALT_LENGTH = 16;
    static final int HASH_LENGTH = 32;
    private static final byte[] DOMAIN = "escudo/card-pin/v1".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private Pin() {
    }

    /** 4 to 12 ASCII decimal digits. */
    static boolean wellFormed(String pin) {
        if (pin == null || pin.length() < 4 || pin.length() > 12) {
            return false;
        }
        for (int i = 0; i < pin.length(); i++) {
            char c = pin.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    static byte[] newSalt() {
        byte[] salt = new byte[SALT_LENGTH];
        RANDOM.nextBytes(salt);
        return salt;
    }

    static byte[] hash(byte[] salt, String pin) {
        return Digest.sha256(DOMAIN, salt, pin.getBytes(StandardCharsets.US_ASCII));
    }

    static boolean matches(byte[] salt, byte[] expectedHash, String pin) {
        return MessageDigest.isEqual(expectedHash, hash(salt, pin));
    }
}
