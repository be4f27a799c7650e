package escudo.cardos;

import escudo.crypto.Digest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * The holder's PIN as the card keeps it: a salted SHA-256, compared in constant time, and the
 * tries left. The hash lives only inside the sealed state, and whoever can open that state holds
 * every application's keys anyway, so a slow password hash would protect nothing more; the try
 * counter is what stops guessing.
 */
record HolderPin(byte[] salt, byte[] hash, int triesLeft) {

    static final int MAX_TRIES = 3;
    static final int SALT_LENGTH = 16;
    static final int HASH_LENGTH = 32;
    private static final byte[] DOMAIN = "escudo/card-pin/v1".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    HolderPin {
        if (salt.length != SALT_LENGTH || hash.length != HASH_LENGTH || triesLeft < 0 || triesLeft > MAX_TRIES) {
            throw new IllegalArgumentException("PIN record out of range");
        }
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

    /** A newly chosen, well-formed PIN with all its tries. */
    static HolderPin choose(String pin) {
        byte[] salt = new byte[SALT_LENGTH];
        RANDOM.nextBytes(salt);
        return new HolderPin(salt, hash(salt, pin), MAX_TRIES);
    }

    boolean matches(String pin) {
        return MessageDigest.isEqual(hash, hash(salt, pin));
    }

    HolderPin withTries(int tries) {
        return new HolderPin(salt, hash, tries);
    }

    private static byte[] hash(byte[] salt, String pin) {
        return Digest.sha256(DOMAIN, salt, pin.getBytes(StandardCharsets.US_ASCII));
    }

    /** Never shows the salt or the hash. */
    @Override
    public String toString() {
        return "HolderPin(" + triesLeft + " tries left)";
    }
}
