package escudo.crypto;

/**
 * A capability a caller must pass to read raw secret key bytes (to seal them for storage, say),
 * so that exporting a secret is always a visible, deliberate act in the code, never an accident.
 */
public final class SecretAccess {

    private static final SecretAccess INSTANCE = new SecretAccess();

    private SecretAccess() {
    }

    /** Grants access. Call sites are the places to audit when reviewing where secrets go. */
    public static SecretAccess forSealedStorage() {
        return INSTANCE;
    }
}
