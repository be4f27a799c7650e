package escudo.s2.protocol;

import escudo.core.Bytes;
import escudo.s2.testing.OrderParties;
import escudo.crypto.CryptoException;
import escudo.crypto.X25519;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import escudo.crypto.CryptoException;
import escudo.crypto.SecretAccess;
import escudo.crypto.SecretBox;
import escudo.crypto.SigningKey;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class PairwiseKeysTest {

    private static final byte[] AD = "ad".getBytes(StandardCharsets.UTF_8);

    /** Same key iff what one seals the other opens. */
    static boolean sameKey(SecretBox a, SecretBox b) {
        byte[] message = "probe".getBytes(StandardCharsets.UTF_8);
        try {
            return new String(b.open(a.seal(message, AD), AD, "probe"), StandardCharsets.UTF_8).equals("probe");
        } catch (CryptoException e) {
            return false;
        }
    }

    static DirectoryKeys enrol(String id, KeyDirectory directory) {
        return OrderParties.enrol(id, directory);
    }

    @Test
    void directoryBothSidesDeriveTheSameKeyAndPairsDiffer() {
        KeyDirectory directory = new KeyDirectory();
        DirectoryKeys holder = enrol("holder:alice", directory);
        DirectoryKeys seller = enrol("seller.example", directory);
        DirectoryKeys issuer = enrol("issuer.example", directory);

        assertEqualKeys(holder.pairKey("seller.example", "p"), seller.pairKey("holder:alice", "p"));
        assertEqualKeys(holder.pairKey("issuer.example", "p"), issuer.pairKey("holder:alice", "p"));
        assertEqualKeys(seller.pairKey("issuer.example", "p"), issuer.pairKey("seller.example", "p"));
        assertFalse(sameKey(holder.pairKey("seller.example", "p"), holder.pairKey("issuer.example", "p")));
        assertFalse(sameKey(holder.pairKey("seller.example", "p"), seller.pairKey("issuer.example", "p")));
        assertFalse(sameKey(holder.pairKey("seller.example", "p"), seller.pairKey("holder:alice", "other purpose")));
    }

    @Test
    void directoryRefusesUnknownPartyAndSmallOrderKeys() {
        KeyDirectory directory = new KeyDirectory();
        DirectoryKeys holder = enrol("holder", directory);
        OrderException unknown = assertThrows(OrderException.class, () -> holder.pairKey("nobody", "p"));
        assertEquals(OrderException.UNKNOWN_PARTY, unknown.code());

        // u = 0 and u = 1 are points of small order: X25519 with them is the all-zero secret.
        for (String u : List.of("00".repeat(32), "01" + "00".repeat(31),
                "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")) {
            OrderException bad = assertThrows(OrderException.class, () -> directory.register("evil", Bytes.ofHex(u),
                    SigningKey.generate().verifyingKey()));
            assertEquals(OrderException.BAD_KEY, bad.code());
            assertEquals(CryptoException.WEAK_KEY, assertThrows(CryptoException.class,
                    () -> X25519.agree(X25519.generate().getPrivate(), HexFormat.of().parseHex(u))).code());
        }
        assertFalse(directory.contains("evil"));
    }

    @Test
    void directoryKeysSurviveExportOfThePrivateKey() {
        KeyDirectory directory = new KeyDirectory();
        DirectoryKeys holder = enrol("holder", directory);
        DirectoryKeys seller = enrol("seller", directory);
        DirectoryKeys restored = DirectoryKeys.fromPrivateKey("holder", holder.privateKey(SecretAccess.forSealedStorage()), directory);
        assertEquals(holder.publicKey(), restored.publicKey());
        assertEqualKeys(restored.pairKey("seller", "p"), seller.pairKey("holder", "p"));
    }

    @Test
    void blomTwoSharesDeriveTheSameKeyBothWays() {
        BlomAuthority authority = BlomAuthority.generate(3, new SecureRandom());
        List<String> ids = List.of("holder:alice", "seller.example", "issuer.example", "courier.example", "holder:bob");
        List<BlomShare> shares = ids.stream().map(authority::issue).toList();
        for (BlomShare a : shares) {
            for (BlomShare b : shares) {
                if (a == b) {
                    continue;
                }
                assertEquals(a.fieldKeyWith(b.myId()), b.fieldKeyWith(a.myId()), a.myId() + " / " + b.myId());
                assertEqualKeys(a.pairKey(b.myId(), "p"), b.pairKey(a.myId(), "p"));
            }
        }
        BlomShare holder = shares.get(0);
        assertNotEquals(holder.fieldKeyWith("seller.example"), holder.fieldKeyWith("issuer.example"));
        assertFalse(sameKey(holder.pairKey("seller.example", "p"), holder.pairKey("issuer.example", "p")));
        assertFalse(sameKey(holder.pairKey("seller.example", "p"), shares.get(2).pairKey("courier.example", "p")));
        // Another authority (another D) gives other keys for the same identifiers.
        BlomAuthority other = BlomAuthority.generate(3, new SecureRandom());
        assertFalse(sameKey(holder.pairKey("seller.example", "p"), other.issue("seller.example").pairKey("holder:alice", "p")));
    }

    @Test
    void blomKeysDifferFromDirectoryKeysEvenOnEqualSecretsBecauseTheModeIsBound() {
        byte[] secret = new byte[32];
        assertFalse(sameKey(PairKeyDerivation.derive("blom", secret, "a", "b", "p"),
                PairKeyDerivation.derive("x25519", secret, "a", "b", "p")));
        assertEqualKeys(PairKeyDerivation.derive("blom", secret, "a", "b", "p"),
                PairKeyDerivation.derive("blom", secret, "b", "a", "p"));
        assertFalse(sameKey(PairKeyDerivation.derive("blom", secret, "a", "b", "p"),
                PairKeyDerivation.derive("blom", secret, "a", "c", "p")));
        assertEquals(OrderException.MALFORMED, assertThrows(OrderException.class,
                () -> PairKeyDerivation.derive("blom", secret, "a", "a", "p")).code());
    }

    @Test
    void blomShareIsSecretExportOnlyAndRestores() {
        BlomAuthority authority = BlomAuthority.generate(3, new SecureRandom());
        BlomShare share = authority.issue("seller.example");
        BlomShare holder = authority.issue("holder");
        assertEquals("BlomShare[seller.example, k=3]", share.toString());
        for (BigInteger element : share.row()) {
            assertFalse(share.toString().contains(element.toString(16)));
        }
        BlomShare restored = BlomShare.restore(share.export(SecretAccess.forSealedStorage()));
        assertEquals(share.fieldKeyWith("holder"), restored.fieldKeyWith("holder"));
        assertEqualKeys(restored.pairKey("holder", "p"), holder.pairKey("seller.example", "p"));
        byte[] damaged = share.export(SecretAccess.forSealedStorage());
        assertEquals(OrderException.MALFORMED, assertThrows(OrderException.class,
                () -> BlomShare.restore(java.util.Arrays.copyOf(damaged, damaged.length - 1))).code());
    }

    static void assertEqualKeys(SecretBox a, SecretBox b) {
        assertEquals(true, sameKey(a, b), "a→b");
        assertEquals(true, sameKey(b, a), "b→a");
    }
}
