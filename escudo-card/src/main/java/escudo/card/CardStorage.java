package escudo.card;

import escudo.core.EscudoException.Kind;
import escudo.crypto.CryptoException;
import escudo.crypto.SecretBox;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Set;

/**
 * The card's two files in its directory: {@code storage.key} (32 random bytes, owner read/write
 * only where the file system has POSIX permissions) and {@code card.state}, the encoded
 * {@link CardState} sealed with AES-256-GCM under {@code HKDF(storage.key, no salt, "escudo/card-state")}
 * and the domain string as associated data. Every write goes to a fresh temporary file that is
 * forced to disk and then atomically renamed over the state file, so after a crash the directory
 * holds the old state or the new one, never a mix.
 */
final class CardStorage {

    static final String KEY_FILE = "storage.key";
    static final String STATE_FILE = "card.state";
    private static final String TEMP_FILE = "card.state.tmp";
    private static final int KEY_LENGTH = 32;
    private static final String PURPOSE = "card-state";
    private static final byte[] ASSOCIATED_DATA = CardState.DOMAIN.getBytes(StandardCharsets.UTF_8);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path directory;
    private final SecretBox box;

    private CardStorage(Path directory, byte[] storageKey) {
        this.directory = directory;
        this.box = SecretBox.derive(storageKey, null, PURPOSE);
    }

    /** Creates the directory (if needed) and a fresh storage key; refuses if a card is there. */
    static CardStorage create(Path directory) {
        Path keyFile = directory.resolve(KEY_FILE);
        if (Files.exists(keyFile) || Files.exists(directory.resolve(STATE_FILE))) {
            throw alreadyExists(directory);
        }
        byte[] key = new byte[KEY_LENGTH];
        RANDOM.nextBytes(key);
        try {
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory, ownerOnly(directory, "rwx------"));
            }
            writeNew(keyFile, key);
            return new CardStorage(directory, key);
        } catch (FileAlreadyExistsException e) {
            throw alreadyExists(directory);
        } catch (IOException e) {
            throw failed("cannot create the card's storage key", e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** Opens an existing card's storage; does not read the state yet. */
    static CardStorage open(Path directory) {
        Path keyFile = directory.resolve(KEY_FILE);
        if (!Files.isRegularFile(keyFile) || !Files.isRegularFile(directory.resolve(STATE_FILE))) {
            throw new CardException(Kind.NOT_FOUND, CardException.NOT_FOUND, "no card in " + directory);
        }
        byte[] key;
        try {
            key = Files.readAllBytes(keyFile);
        } catch (IOException e) {
            throw failed("cannot read the card's storage key", e);
        }
        try {
            if (key.length != KEY_LENGTH) {
                throw corrupt(null);
            }
            return new CardStorage(directory, key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** Deletes the storage key after a manufacture that could not write its first state. */
    void abandon() {
        try {
            Files.deleteIfExists(directory.resolve(STATE_FILE));
            Files.deleteIfExists(directory.resolve(KEY_FILE));
        } catch (IOException ignored) {
            // best effort: the next manufacture reports card.already-exists and a person looks
        }
    }

    CardState read() {
        byte[] sealed;
        try {
            sealed = Files.readAllBytes(directory.resolve(STATE_FILE));
        } catch (IOException e) {
            throw failed("cannot read the card state", e);
        }
        byte[] plaintext;
        try {
            plaintext = box.open(sealed, ASSOCIATED_DATA, "card state");
        } catch (CryptoException e) {
            throw corrupt(e);
        }
        try {
            return CardState.decode(plaintext);
        } catch (RuntimeException e) {
            throw corrupt(e); // parse errors name a field or a rule, never its bytes
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /** Replaces the state file atomically; on failure the old state is still there. */
    void write(CardState state) {
        byte[] plaintext = state.encode();
        byte[] sealed;
        try {
            sealed = box.seal(plaintext, ASSOCIATED_DATA);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
        Path temp = directory.resolve(TEMP_FILE);
        try {
            Files.deleteIfExists(temp);
            writeNew(temp, sealed);
            Files.move(temp, directory.resolve(STATE_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forceDirectory();
        } catch (AtomicMoveNotSupportedException e) {
            throw failed("the file system cannot replace the card state atomically", e);
        } catch (IOException e) {
            throw failed("cannot write the card state", e);
        }
    }

    /** Creates {@code file} (it must not exist), owner-only where possible, writes and syncs it. */
    private static void writeNew(Path file, byte[] content) throws IOException {
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try (FileChannel channel = FileChannel.open(file, options, ownerOnly(file, "rw-------"))) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }

    /** Makes the rename durable; not every platform can open a directory, which is then skipped. */
    private void forceDirectory() {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Windows cannot open a directory as a channel; NTFS renames are journaled anyway
        }
    }

    private static FileAttribute<?>[] ownerOnly(Path path, String permissions) {
        boolean posix = path.getFileSystem().supportedFileAttributeViews().contains("posix");
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))}
                : new FileAttribute<?>[0];
    }

    private static CardException alreadyExists(Path directory) {
        return new CardException(Kind.CONFLICT, CardException.ALREADY_EXISTS, "a card already exists in " + directory);
    }

    private static CardException corrupt(Throwable cause) {
        return new CardException(Kind.INTERNAL, CardException.STORAGE_CORRUPT,
                "the card state cannot be opened: it was altered, truncated or belongs to another card", cause);
    }

    private static CardException failed(String message, IOException cause) {
        return new CardException(Kind.INTERNAL, CardException.STORAGE_FAILED, message + ": " + cause.getMessage(), cause);
    }
}
