package escudo.s0.device;

import escudo.crypto.CanonicalReader;
import escudo.crypto.CanonicalWriter;
import escudo.crypto.CryptoException;
import escudo.crypto.PrivateFiles;
import escudo.crypto.SecretBox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The wallet's two files in its directory:
 * <ul>
 *   <li>{@code device.salt}: 32 random bytes in clear, written once, so the storage key differs per
 *       wallet even on one machine;</li>
 *   <li>{@code device.state}: {@code CanonicalWriter.domain("escudo/s0/device-state-file/v1")
 *       .bytes(check).bytes(sealed)}, where {@code sealed} is the encoded {@link DeviceState} sealed
 *       with AES-256-GCM under {@code HKDF(ikm, salt, "escudo/s0/device-state")} with the state
 *       domain as associated data, and {@code check} is a fixed text sealed under
 *       {@code HKDF(ikm, salt, "escudo/s0/device-state-check")}. The input key material is
 *       {@code CanonicalWriter.domain("escudo/s0/device-serial/v1").string(serial)}: the serial,
 *       framed (a bare serial may be shorter than the 16 bytes HKDF input needs here).</li>
 * </ul>
 * The check only tells the two failures apart: if the state does not open but the check does, the
 * serial is right and the state was altered ({@code storage-corrupt}); if neither opens, the key is
 * wrong, so the wallet belongs to another machine ({@code wrong-hardware}; also what an altered salt
 * file looks like). It tells an attacker nothing the sealed state does not: both test a guessed
 * serial equally. The serial is never written anywhere.
 *
 * <p>Every write goes to a fresh temporary file that is forced to disk and then atomically renamed
 * over the state file, so after a crash the directory holds the old state or the new one.
 */
final class DeviceStorage {

    static final String SALT_FILE = "device.salt";
    static final String STATE_FILE = "device.state";
    private static final String FILE_DOMAIN = "escudo/s0/device-state-file/v1";
    private static final String SERIAL_DOMAIN = "escudo/s0/device-serial/v1";
    private static final int SALT_LENGTH = 32;
    private static final byte[] ASSOCIATED_DATA = DeviceState.DOMAIN.getBytes(StandardCharsets.UTF_8);
    private static final byte[] CHECK_DATA = "escudo/s0/device-state-check/v1".getBytes(StandardCharsets.UTF_8);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path directory;
    private final SecretBox box;
    private final SecretBox checkBox;

    private DeviceStorage(Path directory, String serial, byte[] salt) {
        this.directory = directory;
        byte[] ikm = CanonicalWriter.domain(SERIAL_DOMAIN).string(serial).toByteArray();
        try {
            this.box = SecretBox.derive(ikm, salt, "s0/device-state");
            this.checkBox = SecretBox.derive(ikm, salt, "s0/device-state-check");
        } finally {
            Arrays.fill(ikm, (byte) 0);
        }
    }

    /** Creates the directory (if needed) and a fresh salt; refuses if a wallet is there. */
    static DeviceStorage create(Path directory, String serial) {
        Path saltFile = directory.resolve(SALT_FILE);
        if (Files.exists(saltFile) || Files.exists(directory.resolve(STATE_FILE))) {
            throw alreadyExists(directory);
        }
        byte[] salt = new byte[SALT_LENGTH];
        RANDOM.nextBytes(salt);
        try {
            if (!Files.isDirectory(directory)) {
                PrivateFiles.createDirectories(directory);
            }
            PrivateFiles.createNew(saltFile, salt);
            return new DeviceStorage(directory, serial, salt);
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof FileAlreadyExistsException) {
                throw alreadyExists(directory);
            }
            throw failed("cannot create the wallet's salt", e.getCause());
        }
    }

    /** Opens an existing wallet's storage; does not read the state yet. */
    static DeviceStorage open(Path directory, String serial) {
        Path saltFile = directory.resolve(SALT_FILE);
        if (!Files.isRegularFile(saltFile) || !Files.isRegularFile(directory.resolve(STATE_FILE))) {
            throw new DeviceException(DeviceException.NOT_FOUND, "no wallet in " + directory);
        }
        byte[] salt;
        try {
            salt = Files.readAllBytes(saltFile);
        } catch (IOException e) {
            throw failed("cannot read the wallet's salt", e);
        }
        if (salt.length != SALT_LENGTH) {
            throw corrupt(null);
        }
        return new DeviceStorage(directory, serial, salt);
    }

    /** Deletes what {@link #create} wrote after the first state could not be written. */
    void abandon() {
        try {
            Files.deleteIfExists(directory.resolve(STATE_FILE));
            Files.deleteIfExists(directory.resolve(SALT_FILE));
        } catch (IOException ignored) {
            // best effort: the next create reports device.already-exists and a person looks
        }
    }

    DeviceState read() {
        byte[] file;
        try {
            file = Files.readAllBytes(directory.resolve(STATE_FILE));
        } catch (IOException e) {
            throw failed("cannot read the wallet state", e);
        }
        byte[] check;
        byte[] sealed;
        try {
            CanonicalReader r = CanonicalReader.expect(file, FILE_DOMAIN);
            check = r.bytes();
            sealed = r.bytes();
            r.end();
        } catch (CryptoException e) {
            throw corrupt(e);
        }
        byte[] plaintext;
        try {
            plaintext = box.open(sealed, ASSOCIATED_DATA, "wallet state");
        } catch (CryptoException e) {
            try {
                checkBox.open(check, CHECK_DATA, "wallet key check");
            } catch (CryptoException wrongKey) {
                throw new DeviceException(DeviceException.WRONG_HARDWARE,
                        "this wallet belongs to another machine: its state does not open with this machine's hardware serial");
            }
            throw corrupt(e);
        }
        try {
            return DeviceState.decode(plaintext);
        } catch (RuntimeException e) {
            throw corrupt(e); // parse errors name a field or a rule, never its bytes
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /** Replaces the state file atomically; on failure the old state is still there. */
    void write(DeviceState state) {
        byte[] plaintext = state.encode();
        byte[] file;
        try {
            file = CanonicalWriter.domain(FILE_DOMAIN)
                    .bytes(checkBox.seal(CHECK_DATA, CHECK_DATA))
                    .bytes(box.seal(plaintext, ASSOCIATED_DATA))
                    .toByteArray();
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
        try {
            PrivateFiles.replace(directory.resolve(STATE_FILE), file);
        } catch (UncheckedIOException e) {
            throw failed("cannot write the wallet state", e.getCause());
        }
    }


    private static DeviceException alreadyExists(Path directory) {
        return new DeviceException(DeviceException.ALREADY_EXISTS, "a wallet already exists in " + directory);
    }

    private static DeviceException corrupt(Throwable cause) {
        return new DeviceException(DeviceException.STORAGE_CORRUPT,
                "the wallet state cannot be read: it was altered or truncated", cause);
    }

    private static DeviceException failed(String message, IOException cause) {
        return new DeviceException(DeviceException.STORAGE_FAILED, message + ": " + cause.getMessage(), cause);
    }
}
