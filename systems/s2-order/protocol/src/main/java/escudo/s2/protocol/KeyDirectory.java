package escudo.s2.protocol;

import escudo.core.Bytes;
import escudo.crypto.X25519;
import escudo.crypto.VerifyingKey;
import escudo.crypto.CanonicalWriter;
import escudo.crypto.SigningKey;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The public directory of the default key mode: party identifier to its static X25519 public key
 * (for the pairwise keys) and its Ed25519 verifying key (for authenticating the party in the
 * flow). Thread-safe; an identifier, once registered, keeps its keys (re-registering the same
 * keys is a no-op, different keys are refused). A public key of small order, for which X25519
 * gives the all-zero secret, is refused at registration.
 *
 * <p>A node that does not keep the directory itself builds one over a {@code source} (the
 * bank's {@code GET /issuer/directory/{id}}); entries found there are cached for good, since an
 * identifier never changes its keys.
 */
public final class KeyDirectory {

    /** One party's public keys. */
    public record Entry(String id, Bytes x25519PublicKey, VerifyingKey verifyingKey) {
        public Entry {
            PairKeyDerivation.checkId(id);
            if (x25519PublicKey == null || x25519PublicKey.length() != X25519.KEY_LENGTH) {
                throw OrderException.badKey("an X25519 public key has 32 bytes");
            }
            if (verifyingKey == null) {
                throw OrderException.badKey("a directory entry needs an Ed25519 verifying key");
            }
        }

        /**
         * What the party signs with its Ed25519 key to register (proof that it holds that key and
         * claims this X25519 key): canonical("escudo/s2/directory-entry/v1", id, x25519, ed25519).
         */
        public byte[] signedBytes() {
            return CanonicalWriter.domain("escudo/s2/directory-entry/v1").string(id).bytes(x25519PublicKey)
                    .bytes(verifyingKey.bytes()).toByteArray();
        }

        /** Checks the party's signature over {@link #signedBytes()}; else (also when there is none) {@code crypto.bad-signature}. */
        public void verifyProof(Bytes signature) {
            verifyingKey.verify(signature == null ? null : signature.toByteArray(), signedBytes(), "directory registration of " + id);
        }

        /** The party's proof for this entry. */
        public Bytes prove(SigningKey key) {
            if (!key.verifyingKey().equals(verifyingKey)) {
                throw OrderException.badKey("the proof must be signed with the entry's own Ed25519 key");
            }
            return Bytes.of(key.sign(signedBytes()));
        }
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Function<String, Optional<Entry>> source;

    /** A directory kept here, filled by {@link #register}. */
    public KeyDirectory() {
        this(id -> Optional.empty());
    }

    /** A directory that asks {@code source} for identifiers it has not seen yet. */
    public KeyDirectory(Function<String, Optional<Entry>> source) {
        this.source = java.util.Objects.requireNonNull(source, "source");
    }

    /** Publishes a party's keys; refuses a small-order X25519 key or a change of an existing entry. */
    public Entry register(String id, Bytes x25519PublicKey, VerifyingKey verifyingKey) {
        Entry entry = new Entry(id, x25519PublicKey, verifyingKey);
        OrderException.withPeerKey(() -> X25519.checkNotSmallOrder(entry.x25519PublicKey.toByteArray()));
        Entry existing = entries.putIfAbsent(id, entry);
        if (existing != null && !existing.equals(entry)) {
            throw OrderException.malformed("party " + id + " is already registered with other keys");
        }
        return entry;
    }

    /** The entry for {@code id}, or {@code order.unknown-party}. */
    public Entry entry(String id) {
        Entry entry = entries.get(PairKeyDerivation.checkId(id));
        if (entry != null) {
            return entry;
        }
        Entry found = source.apply(id).orElseThrow(() -> OrderException.unknownParty(id));
        if (!found.id().equals(id)) {
            throw OrderException.malformed("the directory answered for " + found.id() + " when asked for " + id);
        }
        OrderException.withPeerKey(() -> X25519.checkNotSmallOrder(found.x25519PublicKey.toByteArray()));
        Entry cached = entries.putIfAbsent(id, found);
        return cached == null ? found : cached;
    }

    public boolean contains(String id) {
        if (entries.containsKey(PairKeyDerivation.checkId(id))) {
            return true;
        }
        try {
            entry(id);
            return true;
        } catch (OrderException e) {
            if (e.code() == OrderException.UNKNOWN_PARTY) {
                return false;
            }
            throw e;
        }
    }
}
