package escudo.s2.protocol;

import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.core.Bytes;
import escudo.crypto.CanonicalWriter;
import escudo.crypto.CryptoException;
import escudo.crypto.SigningKey;
import escudo.s2.protocol.KeyDirectory.Entry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class KeyDirectorySourceTest {

    static final String HOLDER = "holder:alice";
    static final String SELLER = "seller.example";

    /** The bank's directory as a lookup source, counting how often it is asked. */
    static final class Bank {
        final Map<String, Entry> entries = new HashMap<>();
        final AtomicInteger asked = new AtomicInteger();

        Optional<Entry> lookup(String id) {
            asked.incrementAndGet();
            return Optional.ofNullable(entries.get(id));
        }
    }


    @Test
    void findsThroughTheSourceAndAsksOnce() {
        KeyDirectory banks = new KeyDirectory();
        DirectoryKeys seller = PairwiseKeysTest.enrol(SELLER, banks);
        Bank bank = new Bank();
        bank.entries.put(SELLER, banks.entry(SELLER));

        KeyDirectory remote = new KeyDirectory(bank::lookup);
        DirectoryKeys holder = DirectoryKeys.generate(HOLDER, remote);
        banks.register(HOLDER, holder.publicKey(), SigningKey.generate().verifyingKey());

        Entry found = remote.entry(SELLER);
        assertEquals(banks.entry(SELLER), found);
        assertEquals(seller.publicKey(), found.x25519PublicKey());
        assertSame(found, remote.entry(SELLER));
        assertTrue(remote.contains(SELLER));
        PairwiseKeysTest.assertEqualKeys(holder.pairKey(SELLER, "p"), seller.pairKey(HOLDER, "p"));
        assertEquals(1, bank.asked.get(), "an entry found is cached for good");

        // The bank losing (or changing) the entry afterwards changes nothing here.
        bank.entries.remove(SELLER);
        assertEquals(found, remote.entry(SELLER));
        assertEquals(1, bank.asked.get());
    }

    @Test
    void anUnknownIdentifierIsUnknownPartyAndIsAskedAgainLater() {
        KeyDirectory banks = new KeyDirectory();
        DirectoryKeys seller = PairwiseKeysTest.enrol(SELLER, banks);
        Bank bank = new Bank();
        KeyDirectory remote = new KeyDirectory(bank::lookup);

        OrderException e = assertThrows(OrderException.class, () -> remote.entry(SELLER));
        assertEquals(OrderException.UNKNOWN_PARTY, e.code());
        assertEquals(escudo.core.EscudoException.Kind.NOT_FOUND, e.kind());
        assertFalse(remote.contains(SELLER));
        assertRefused(OrderException.class, OrderException.UNKNOWN_PARTY, () -> DirectoryKeys.generate(HOLDER, remote).pairKey(SELLER, "p"));
        assertEquals(3, bank.asked.get());

        // A party that registers afterwards is found: absence is not cached.
        bank.entries.put(SELLER, banks.entry(SELLER));
        assertEquals(seller.publicKey(), remote.entry(SELLER).x25519PublicKey());
        assertRefused(OrderException.class, OrderException.MALFORMED, () -> remote.entry(""));
    }

    @Test
    void anEntryForAnotherIdentifierIsRefusedAndNotCached() {
        KeyDirectory banks = new KeyDirectory();
        PairwiseKeysTest.enrol("mallory", banks);
        Entry mallory = banks.entry("mallory");
        AtomicInteger asked = new AtomicInteger();
        KeyDirectory remote = new KeyDirectory(id -> {
            asked.incrementAndGet();
            return Optional.of(mallory);
        });

        assertRefused(OrderException.class, OrderException.MALFORMED, () -> remote.entry(SELLER));
        assertRefused(OrderException.class, OrderException.MALFORMED, () -> remote.entry(SELLER));
        assertEquals(2, asked.get(), "the refused answer was not cached");
        assertRefused(OrderException.class, OrderException.MALFORMED, () -> DirectoryKeys.generate(HOLDER, remote).pairKey(SELLER, "p"));
        // Asked for the identifier it does carry, the answer is fine.
        assertEquals(mallory, remote.entry("mallory"));
    }

    @Test
    void aSmallOrderKeyFromTheSourceIsRefusedAndNotCached() {
        AtomicInteger asked = new AtomicInteger();
        Map<String, Entry> smallOrder = new HashMap<>();
        // u = 0, u = 1 and a point of order 8: X25519 with any of them is the all-zero secret.
        List<String> points = List.of("00".repeat(32), "01" + "00".repeat(31),
                "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800");
        for (int i = 0; i < points.size(); i++) {
            String id = "evil-" + i;
            smallOrder.put(id, new Entry(id, Bytes.ofHex(points.get(i)), SigningKey.generate().verifyingKey()));
        }
        KeyDirectory remote = new KeyDirectory(id -> {
            asked.incrementAndGet();
            return Optional.ofNullable(smallOrder.get(id));
        });
        DirectoryKeys holder = DirectoryKeys.generate(HOLDER, remote);

        for (String id : smallOrder.keySet()) {
            assertRefused(OrderException.class, OrderException.BAD_KEY, () -> remote.entry(id));
            assertRefused(OrderException.class, OrderException.BAD_KEY, () -> holder.pairKey(id, "p"));
        }
        assertEquals(2 * smallOrder.size(), asked.get(), "a refused key is never cached");
    }

    @Test
    void localRegistrationsComeFirstAndKeysNeverChange() {
        KeyDirectory banks = new KeyDirectory();
        PairwiseKeysTest.enrol(SELLER, banks);
        PairwiseKeysTest.enrol("issuer.example", banks);
        Bank bank = new Bank();
        bank.entries.put(SELLER, banks.entry(SELLER));
        bank.entries.put("issuer.example", banks.entry("issuer.example"));
        KeyDirectory remote = new KeyDirectory(bank::lookup);

        DirectoryKeys local = DirectoryKeys.generate("issuer.example", remote);
        Entry registered = remote.register("issuer.example", local.publicKey(), SigningKey.generate().verifyingKey());
        assertSame(registered, remote.entry("issuer.example"));
        assertEquals(0, bank.asked.get());

        Entry cached = remote.entry(SELLER);
        assertRefused(OrderException.class, OrderException.MALFORMED, () -> remote.register(SELLER, local.publicKey(), cached.verifyingKey()));
        assertEquals(cached, remote.register(SELLER, cached.x25519PublicKey(), cached.verifyingKey()));
        assertEquals(cached, remote.entry(SELLER));
        assertEquals(1, bank.asked.get());
    }

    @Test
    void proveAndVerifyRoundTripAndAnyOtherKeyOrEntryIsRefused() {
        SigningKey signing = SigningKey.generate();
        Bytes x25519 = DirectoryKeys.generate(SELLER, new KeyDirectory()).publicKey();
        Entry entry = new Entry(SELLER, x25519, signing.verifyingKey());
        assertArrayEquals(CanonicalWriter.domain("escudo/s2/directory-entry/v1").string(SELLER).bytes(x25519)
                .bytes(signing.verifyingKey().bytes()).toByteArray(), entry.signedBytes());

        Bytes proof = entry.prove(signing);
        entry.verifyProof(proof);
        new Entry(SELLER, x25519, signing.verifyingKey()).verifyProof(proof);

        SigningKey other = SigningKey.generate();
        assertRefused(OrderException.class, OrderException.BAD_KEY, () -> entry.prove(other));
        CryptoException wrongSigner = assertThrows(CryptoException.class, () -> entry.verifyProof(Bytes.of(other.sign(entry.signedBytes()))));
        assertEquals(CryptoException.BAD_SIGNATURE, wrongSigner.code());

        // The same proof does not carry over to another identifier or another X25519 key.
        Entry otherId = new Entry("seller.evil", x25519, signing.verifyingKey());
        Entry otherKey = new Entry(SELLER, DirectoryKeys.generate(SELLER, new KeyDirectory()).publicKey(), signing.verifyingKey());
        for (Entry e : List.of(otherId, otherKey)) {
            assertEquals(CryptoException.BAD_SIGNATURE, assertThrows(CryptoException.class, () -> e.verifyProof(proof)).code());
        }
        byte[] damaged = proof.toByteArray();
        damaged[0] ^= 1;
        assertEquals(CryptoException.BAD_SIGNATURE, assertThrows(CryptoException.class, () -> entry.verifyProof(Bytes.of(damaged))).code());
        assertEquals(CryptoException.BAD_SIGNATURE, assertThrows(CryptoException.class, () -> entry.verifyProof(Bytes.of(new byte[3]))).code());
        assertEquals(CryptoException.BAD_SIGNATURE, assertThrows(CryptoException.class, () -> entry.verifyProof(null)).code());
    }

    @Test
    void entriesCheckTheirKeysAndCopyTheirBytes() {
        SigningKey signing = SigningKey.generate();
        assertRefused(OrderException.class, OrderException.BAD_KEY, () -> new Entry(SELLER, Bytes.of(new byte[31]), signing.verifyingKey()));
        assertRefused(OrderException.class, OrderException.BAD_KEY, () -> new Entry(SELLER, Bytes.of(new byte[32]), null));
        assertRefused(OrderException.class, OrderException.MALFORMED, () -> new Entry(" ", Bytes.of(new byte[32]), signing.verifyingKey()));

        byte[] x25519 = DirectoryKeys.generate(SELLER, new KeyDirectory()).publicKey().toByteArray();
        byte[] original = x25519.clone();
        Entry entry = new Entry(SELLER, Bytes.of(x25519), signing.verifyingKey());
        x25519[0] ^= 1;
        entry.x25519PublicKey().toByteArray()[1] ^= 1;
        assertArrayEquals(original, entry.x25519PublicKey().toByteArray());
        assertEquals(new Entry(SELLER, Bytes.of(original), signing.verifyingKey()), entry);
        assertEquals(new Entry(SELLER, Bytes.of(original), signing.verifyingKey()).hashCode(), entry.hashCode());
    }
}
