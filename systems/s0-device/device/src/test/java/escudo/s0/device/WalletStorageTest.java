package escudo.s0.device;

import static escudo.s0.device.RegistrationAndTradeTest.SERIAL;
import static escudo.s0.device.TestIssuer.CODE;
import static escudo.s0.device.TestIssuer.CUSTOMER;
import static escudo.testing.Refusals.assertRefused;
import static escudo.testing.TestBytes.contains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.core.EscudoException.Kind;
import escudo.crypto.CanonicalReader;
import escudo.crypto.SecretAccess;
import escudo.s0.protocol.LayerOrder;
import escudo.s0.protocol.TradeRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalletStorageTest {

    @TempDir
    Path dir;

    final TestIssuer issuer = new TestIssuer();

    Wallet registered() {
        Wallet wallet = Wallet.create(dir, SERIAL);
        wallet.register(issuer, CUSTOMER, CODE, LayerOrder.SYMMETRIC_INSIDE, "my laptop");
        wallet.send(issuer, new TradeRequest.BalanceInquiry());
        return wallet;
    }

    @Test
    void createRefusesADirectoryThatHoldsAWallet() {
        Wallet.create(dir, SERIAL);
        DeviceException e = assertRefused(DeviceException.class, DeviceException.ALREADY_EXISTS, () -> Wallet.create(dir, SERIAL));
        assertEquals(Kind.CONFLICT, e.kind());
        assertRefused(DeviceException.ALREADY_EXISTS, () -> Wallet.create(dir, "another-serial"));
    }

    @Test
    void openWithoutAWalletIsNotFound() {
        DeviceException e = assertRefused(DeviceException.class, DeviceException.NOT_FOUND, () -> Wallet.open(dir, SERIAL));
        assertEquals(Kind.NOT_FOUND, e.kind());
        assertRefused(DeviceException.NOT_FOUND, () -> Wallet.open(dir.resolve("missing"), SERIAL));
    }

    @Test
    void blankOrOverlongSerialIsRefused() {
        assertRefused(DeviceException.BAD_SERIAL, () -> Wallet.create(dir, " "));
        assertRefused(DeviceException.BAD_SERIAL, () -> Wallet.create(dir, "x".repeat(129)));
        assertFalse(Files.exists(dir.resolve(DeviceStorage.SALT_FILE)));
    }

    @Test
    void newWalletKeepsItsKeysAcrossReopening() {
        Wallet wallet = Wallet.create(dir.resolve("new/wallet"), SERIAL);
        Wallet reopened = Wallet.open(dir.resolve("new/wallet"), SERIAL);
        assertEquals(wallet.state().deviceKey().verifyingKey(), reopened.state().deviceKey().verifyingKey());
        assertTrue(Arrays.equals(wallet.state().sealKey().publicKey(), reopened.state().sealKey().publicKey()));
        assertFalse(reopened.status().registered());
    }

    @Test
    void registeredWalletKeepsEverythingAcrossReopening() {
        Wallet wallet = registered();
        Wallet reopened = Wallet.open(dir, SERIAL);
        assertEquals(wallet.state().registration(), reopened.state().registration());
        assertEquals(wallet.status(), reopened.status());
    }

    @Test
    void filesAreReadableOnlyByTheirOwner() throws Exception {
        registered();
        Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        for (String name : new String[] {DeviceStorage.SALT_FILE, DeviceStorage.STATE_FILE}) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(name))), name);
        }
        assertEquals(32, Files.size(dir.resolve(DeviceStorage.SALT_FILE)));
    }

    @Test
    void tamperedStateFileIsCorrupt() throws Exception {
        registered();
        Path state = dir.resolve(DeviceStorage.STATE_FILE);
        byte[] file = Files.readAllBytes(state);
        int sealedStart = file.length - sealedLength(file);
        for (int i : new int[] {0, 3, sealedStart - 1, sealedStart, sealedStart + 12, (sealedStart + file.length) / 2, file.length - 1}) {
            byte[] tampered = file.clone();
            tampered[i] ^= 0x01;
            Files.write(state, tampered);
            DeviceException e = assertRefused(DeviceException.class, DeviceException.STORAGE_CORRUPT, () -> Wallet.open(dir, SERIAL));
            assertEquals(Kind.INTERNAL, e.kind());
        }
        Files.write(state, Arrays.copyOf(file, file.length - 1));
        assertRefused(DeviceException.STORAGE_CORRUPT, () -> Wallet.open(dir, SERIAL));
        Files.write(state, new byte[0]);
        assertRefused(DeviceException.STORAGE_CORRUPT, () -> Wallet.open(dir, SERIAL));

        Files.write(state, file);
        assertTrue(Wallet.open(dir, SERIAL).status().registered());
    }

    @Test
    void truncatedSaltFileIsCorrupt() throws Exception {
        registered();
        Path salt = dir.resolve(DeviceStorage.SALT_FILE);
        Files.write(salt, Arrays.copyOf(Files.readAllBytes(salt), 31));
        assertRefused(DeviceException.STORAGE_CORRUPT, () -> Wallet.open(dir, SERIAL));
    }

    @Test
    void stateFromAnotherWalletOnTheSameMachineDoesNotOpen() throws Exception {
        registered();
        Path other = dir.resolve("other");
        Wallet.create(other, SERIAL);
        // same serial, other salt: the keys differ per wallet
        Files.copy(dir.resolve(DeviceStorage.STATE_FILE), other.resolve(DeviceStorage.STATE_FILE),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertRefused(DeviceException.WRONG_HARDWARE, () -> Wallet.open(other, SERIAL));
    }

    @Test
    void leftoverTemporaryFileFromACrashDoesNotBlockTheNextWrite() throws Exception {
        Wallet wallet = registered();
        Files.write(dir.resolve("device.state.tmp"), new byte[] {1, 2, 3});
        wallet.send(issuer, new TradeRequest.BalanceInquiry());
        assertEquals(3, Wallet.open(dir, SERIAL).status().nextOutgoing());
        assertFalse(Files.exists(dir.resolve("device.state.tmp")));
    }

    @Test
    void noSecretOrSerialIsStoredInClearOrPrinted() throws Exception {
        Wallet wallet = registered();
        DeviceState state = wallet.state();
        byte[] seed = state.deviceKey().seed(SecretAccess.forSealedStorage());
        byte[] sealPrivate = state.sealKey().privateKey(SecretAccess.forSealedStorage());
        byte[] secret = state.registration().secret().toByteArray();
        byte[] serial = SERIAL.getBytes(StandardCharsets.UTF_8);
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                byte[] content = Files.readAllBytes(file);
                for (byte[] hidden : new byte[][] {seed, sealPrivate, secret, serial, "my laptop".getBytes(StandardCharsets.UTF_8)}) {
                    assertFalse(contains(content, hidden), file + " holds a value in clear");
                }
            }
        }
        for (String printed : new String[] {wallet.toString(), state.toString(), state.registration().toString(),
                wallet.status().toString()}) {
            for (byte[] hidden : new byte[][] {seed, sealPrivate, secret}) {
                assertFalse(printed.toLowerCase().contains(HexFormat.of().formatHex(hidden)), printed);
                assertFalse(printed.contains(Arrays.toString(hidden)), printed);
            }
            assertFalse(printed.contains(SERIAL), printed);
        }
    }

    /** The state file is {domain, check, sealed}, each with a u32 length: the length of the sealed state. */
    private static int sealedLength(byte[] file) {
        CanonicalReader r = CanonicalReader.expect(file, "escudo/s0/device-state-file/v1");
        r.bytes();
        return r.bytes().length;
    }
}
