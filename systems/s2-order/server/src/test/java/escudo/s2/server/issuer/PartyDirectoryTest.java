package escudo.s2.server.issuer;

import escudo.bank.Bank;
import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.core.Bytes;
import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.crypto.CryptoException;
import escudo.crypto.SigningKey;
import escudo.s2.protocol.DirectoryKeys;
import escudo.s2.protocol.KeyDirectory;
import escudo.s2.protocol.OrderException;
import escudo.storage.Database;
import escudo.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bank as the key authentication office of seed 002: who may publish which keys under a name. */
class PartyDirectoryTest {

    private final Database db = TestDatabase.create();
    /** The S2 tables hang off the bank's customers, so the bank's migrations come first. */
    private final Bank bank = new Bank("test-bank", escudo.crypto.SigningKey.generate().verifyingKey(), db, Clock.systemUTC());
    private final PartyDirectory directory = new PartyDirectory(db, Clock.systemUTC());

    @AfterEach
    void close() {
        db.close();
    }

    /** A party's fresh keys and its signed entry. */
    record Party(DirectoryKeys keys, SigningKey signing, KeyDirectory.Entry entry) {
        static Party of(String id, KeyDirectory lookups) {
            DirectoryKeys keys = DirectoryKeys.generate(id, lookups);
            SigningKey signing = SigningKey.generate();
            return new Party(keys, signing, new KeyDirectory.Entry(id, keys.publicKey(), signing.verifyingKey()));
        }

        Bytes proof() {
            return entry.prove(signing);
        }
    }

    private Party party(String id) {
        return Party.of(id, new KeyDirectory(directory::find));
    }

    private void refusedAndNothingStored(ErrorCode code, Executable action) {
        List<KeyDirectory.Entry> before = directory.entries();
        assertRefused(code, action);
        assertEquals(before, directory.entries());
    }

    @Test
    void aRegisteredPartyIsFoundByEveryoneAndPairKeysAgree() {
        Party shop = party("shop-1");
        Party alice = party("alice");
        assertEquals(shop.entry(), directory.register(shop.entry(), shop.proof()));
        directory.register(alice.entry(), alice.proof());

        assertEquals(shop.entry(), directory.find("shop-1").orElseThrow());
        assertTrue(directory.find("nobody").isEmpty());
        assertEquals(List.of(alice.entry(), shop.entry()), directory.entries());
        // Another node's view over the same table, and keys looked up through it.
        assertEquals(directory.entries(), new PartyDirectory(db, Clock.systemUTC()).entries());
        byte[] message = "order part".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = alice.keys().pairKey("shop-1", "p").seal(message, new byte[0]);
        assertArrayEquals(message, shop.keys().pairKey("alice", "p").open(sealed, new byte[0], "probe"));
    }

    @Test
    void registeringTheSameKeysAgainChangesNothing() {
        Party shop = party("shop-1");
        directory.register(shop.entry(), shop.proof());
        assertEquals(shop.entry(), directory.register(shop.entry(), shop.proof()));
        assertEquals(List.of(shop.entry()), directory.entries());
    }

    @Test
    void aNameKeepsItsKeys() {
        Party shop = party("shop-1");
        directory.register(shop.entry(), shop.proof());
        Party squatter = party("shop-1");
        refusedAndNothingStored(OrderException.PARTY_EXISTS, () -> directory.register(squatter.entry(), squatter.proof()));
        assertEquals(EscudoException.Kind.CONFLICT,
                assertThrows(OrderException.class, () -> directory.register(squatter.entry(), squatter.proof())).kind());
        // Same X25519 key with another signing key is other keys too.
        SigningKey other = SigningKey.generate();
        KeyDirectory.Entry resigned = new KeyDirectory.Entry("shop-1", shop.keys().publicKey(), other.verifyingKey());
        refusedAndNothingStored(OrderException.PARTY_EXISTS, () -> directory.register(resigned, resigned.prove(other)));
        assertEquals(shop.entry(), directory.find("shop-1").orElseThrow());
    }

    @Test
    void theProofMustBeTheEntrysOwnSignature() {
        Party shop = party("shop-1");
        Party mallory = party("mallory");
        // Signed by another key, over another entry, or nothing at all.
        refusedAndNothingStored(CryptoException.BAD_SIGNATURE,
                () -> directory.register(shop.entry(), Bytes.of(mallory.signing().sign(shop.entry().signedBytes()))));
        refusedAndNothingStored(CryptoException.BAD_SIGNATURE, () -> directory.register(shop.entry(), mallory.proof()));
        refusedAndNothingStored(CryptoException.BAD_SIGNATURE, () -> directory.register(shop.entry(), Bytes.of(new byte[64])));
        refusedAndNothingStored(CryptoException.BAD_SIGNATURE, () -> directory.register(shop.entry(), null));
        assertTrue(directory.find("shop-1").isEmpty());
    }

    @Test
    void aSmallOrderX25519KeyIsRefused() {
        SigningKey signing = SigningKey.generate();
        KeyDirectory.Entry zero = new KeyDirectory.Entry("weak", Bytes.of(new byte[32]), signing.verifyingKey());
        refusedAndNothingStored(OrderException.BAD_KEY, () -> directory.register(zero, zero.prove(signing)));
        byte[] one = new byte[32];
        one[0] = 1; // u = 1 has order 4
        KeyDirectory.Entry order4 = new KeyDirectory.Entry("weak", Bytes.of(one), signing.verifyingKey());
        refusedAndNothingStored(OrderException.BAD_KEY, () -> directory.register(order4, order4.prove(signing)));
        assertTrue(directory.find("weak").isEmpty());
    }
}
