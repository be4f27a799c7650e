package escudo.order;

import escudo.crypto.VerifyingKey;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The public directory of the default key mode: party identifier to its static X25519 public key
 * (for the pairwise keys) and its Ed25519 verifying key (for authenticating the party in the
 * flow). Thread-safe; an identifier, once registered, keeps its keys (re-registering the same
 * keys is a no-op, different keys are refused). A public key of small order, for which X25519
 * gives the all-zero secret, is refused at registration.
 */
public final class KeyDirectory {

    /** One party's public keys. */
    public record Entry(String id, byte[] x25519PublicKey, VerifyingKey verifyingKey) {
        public Entry {
            PairKeyDerivation.checkId(id);
            if (x25519PublicKey == null || x25519PublicKey.length != X25519.KEY_LENGTH) {
                throw OrderException.badKey("an X25519 public key has 32 bytes");
            }
            if (verifyingKey == null) {
                throw OrderException.badKey("a directory entry needs an Ed25519 verifying key");
            }
            x25519PublicKey = x25519PublicKey.clone();
        }

        @Override
        public byte[] x25519PublicKey() {
            return x25519PublicKey.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && id.equals(e.id) && Arrays.equals(x25519PublicKey, e.x25519PublicKey)
                    && verifyingKey.equals(e.verifyingKey);
        }

        @Override
        public int hashCode() {
            return id.hashCode() * 31 + Arrays.hashCode(x25519PublicKey);
        }

        @Override
        public String toString() {
            return "Entry[id=" + id + ", x25519=" + java.util.HexFormat.of().formatHex(x25519PublicKey)
                    + ", ed25519=" + verifyingKey.hex() + "]";
        }
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /** Publishes a party's keys; refuses a small-order X25519 key or a change of an existing entry. */
    public Entry register(String id, byte[] x25519PublicKey, VerifyingKey verifyingKey) {
        Entry entry = new Entry(id, x25519PublicKey, verifyingKey);
        X25519.checkNotSmallOrder(entry.x25519PublicKey);
        Entry existing = entries.putIfAbsent(id, entry);
        if (existing != null && !existing.equals(entry)) {
            throw OrderException.malformed("party " + id + " is already registered with other keys");
        }
        return entry;
    }

    /** The entry for {@code id}, or {@code order.unknown-party}. */
    public Entry entry(String id) {
        Entry entry = entries.get(PairKeyDerivation.checkId(id));
        if (entry == null) {
            throw OrderException.unknownParty(id);
        }
        return entry;
    }

    public boolean contains(String id) {
        return entries.containsKey(id);
    }
}
