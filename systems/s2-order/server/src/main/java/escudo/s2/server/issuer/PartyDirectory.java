package escudo.s2.server.issuer;

import escudo.core.Bytes;
import escudo.crypto.VerifyingKey;
import escudo.s2.protocol.KeyDirectory;
import escudo.s2.protocol.OrderException;
import escudo.storage.Database;
import escudo.storage.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The key directory the bank keeps for S2, the "key authentication office" of seed 002: party id
 * to its X25519 key (pairwise keys) and Ed25519 key (authentication in the flow). A party
 * registers with a signature over the entry made with the entry's own Ed25519 key; an identifier
 * keeps its keys for good, so any node may cache what it looked up here. Other nodes read it
 * through a {@link KeyDirectory} over {@link #find}.
 */
public final class PartyDirectory {

    private final Database db;
    private final Clock clock;

    /** Migrates the issuer's tables on {@code db} if they are not there yet. */
    public PartyDirectory(Database db, Clock clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.clock = Objects.requireNonNull(clock, "clock");
        db.migrate("s2_issuer");
    }

    /**
     * Publishes {@code entry} once {@code proof} (the party's {@link KeyDirectory.Entry#prove}) verifies
     * ({@code crypto.bad-signature} otherwise). A small-order X25519 key is {@code order.bad-key}.
     * Registering the same keys again returns the entry; other keys for a registered identifier
     * are {@code order.party-exists}.
     */
    public KeyDirectory.Entry register(KeyDirectory.Entry entry, Bytes proof) {
        Objects.requireNonNull(entry, "entry");
        entry.verifyProof(proof);
        // The throwaway directory runs escudo.order's own small-order check on the X25519 key.
        new KeyDirectory().register(entry.id(), entry.x25519PublicKey(), entry.verifyingKey());
        return db.inTransaction(tx -> {
            if (tx.tryInsert("INSERT INTO issuer_s2_party (party_id, x25519_key, verifying_key, proof, registered_at) VALUES (?, ?, ?, ?, ?)",
                    entry.id(), entry.x25519PublicKey().hex(), entry.verifyingKey().hex(), proof.hex(), clock.instant())) {
                return entry;
            }
            KeyDirectory.Entry existing = find(tx, entry.id()).orElseThrow();
            if (!existing.equals(entry)) {
                throw OrderException.of(OrderException.PARTY_EXISTS, "party " + entry.id() + " is already registered with other keys");
            }
            return existing;
        });
    }

    public Optional<KeyDirectory.Entry> find(String id) {
        return db.inTransaction(tx -> find(tx, id));
    }

    /** Every entry, by identifier. */
    public List<KeyDirectory.Entry> entries() {
        return db.inTransaction(tx -> tx.query("SELECT party_id, x25519_key, verifying_key FROM issuer_s2_party ORDER BY party_id",
                PartyDirectory::entry));
    }

    private static Optional<KeyDirectory.Entry> find(Tx tx, String id) {
        return tx.queryOne("SELECT party_id, x25519_key, verifying_key FROM issuer_s2_party WHERE party_id = ?", PartyDirectory::entry, id);
    }

    private static KeyDirectory.Entry entry(ResultSet r) throws SQLException {
        return new KeyDirectory.Entry(r.getString(1), Bytes.ofHex(r.getString(2)), VerifyingKey.ofHex(r.getString(3)));
    }
}
