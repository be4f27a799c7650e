package escudo.s2.protocol;

import escudo.core.Bytes;
import escudo.crypto.X25519;
import escudo.crypto.SecretAccess;
import escudo.crypto.SecretBox;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.Map;

/**
 * The default pairwise keys: a static X25519 key pair per party and a {@link KeyDirectory} of
 * public keys. The key with a peer is HKDF-SHA256 over X25519(my private key, the peer's
 * directory public key), salted with both identifiers (sorted) and the purpose, so the peer,
 * computing X25519(its private key, my public key), derives the same key. An identifier missing
 * from the directory is {@code order.unknown-party}; a small-order public key is
 * {@code order.bad-key}. Unlike {@link BlomShare}, no coalition of parties learns anything about
 * the keys of others (security rests on X25519, not on a collusion bound).
 */
public final class DirectoryKeys implements PairwiseKeys {

    static final String MODE = "x25519";
    /** Shared secrets kept per peer; beyond this many peers the least recently used is dropped. */
    static final int CACHED_PEERS = 4096;

    private final String myId;
    private final PrivateKey privateKey;
    private final Bytes publicKey;
    private final KeyDirectory directory;
    /**
     * X25519 with a peer is the costly step of every part and channel message; a peer's directory
     * key never changes, so the shared secret is computed once per peer.
     */
    private final Map<String, byte[]> sharedSecrets = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
                    return size() > CACHED_PEERS;
                }
            });

    private DirectoryKeys(String myId, KeyPair keyPair, KeyDirectory directory) {
        this.myId = PairKeyDerivation.checkId(myId);
        this.privateKey = keyPair.getPrivate();
        this.publicKey = Bytes.of(X25519.rawPublic(keyPair.getPublic()));
        this.directory = java.util.Objects.requireNonNull(directory, "directory");
    }

    /** A fresh static key pair for {@code myId}; publish {@link #publicKey()} in the directory. */
    public static DirectoryKeys generate(String myId, KeyDirectory directory) {
        return new DirectoryKeys(myId, X25519.generate(), directory);
    }

    /** Restores a party's keys from its 32-byte X25519 private key (as exported by {@link #privateKey}). */
    public static DirectoryKeys fromPrivateKey(String myId, byte[] privateKey, KeyDirectory directory) {
        PrivateKey key = OrderException.withPeerKey(() -> X25519.privateKey(privateKey));
        // The public key is X25519(private key, base point u = 9).
        byte[] base = new byte[X25519.KEY_LENGTH];
        base[0] = 9;
        byte[] pub = X25519.agree(key, base);
        return new DirectoryKeys(myId, new KeyPair(X25519.publicKey(pub), key), directory);
    }

    @Override
    public String myId() {
        return myId;
    }

    /** My raw 32-byte X25519 public key (RFC 7748). */
    public Bytes publicKey() {
        return publicKey;
    }

    /** My raw 32-byte X25519 private key; for sealed storage only. */
    public byte[] privateKey(SecretAccess access) {
        java.util.Objects.requireNonNull(access, "access");
        return X25519.rawPrivate(privateKey);
    }

    @Override
    public SecretBox pairKey(String peerId, String purpose) {
        byte[] shared = sharedSecrets.get(peerId);
        if (shared == null) {
            KeyDirectory.Entry peer = directory.entry(peerId);
            shared = OrderException.withPeerKey(() -> X25519.agree(privateKey, peer.x25519PublicKey().toByteArray()));
            sharedSecrets.put(peerId, shared);
        }
        return PairKeyDerivation.derive(MODE, shared, myId, peerId, purpose);
    }

    @Override
    public String toString() {
        return "DirectoryKeys[" + myId + "]";
    }
}
