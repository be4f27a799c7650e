package escudo.s3.card;

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
                PrivateFiles.createDirectories(directory);
            }
            PrivateFiles.createNew(keyFile, key);
            return new CardStorage(directory, key);
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof FileAlreadyExistsException) {
                throw alreadyExists(directory);
            }
            throw failed("cannot create the card's storage key", e.getCause());
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** Opens an existing card's storage; does not read the state yet. */
    static CardStorage open(Path directory) {
        Path keyFile = directory.resolve(KEY_FILE);
        if (!Files.isRegularFile(keyFile) || !Files.isRegularFile(directory.resolve(STATE_FILE))) {
            throw new CardException(CardException.NOT_FOUND, "no card in " + directory);
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
        try {
            PrivateFiles.replace(directory.resolve(STATE_FILE), sealed);
        } catch (UncheckedIOException e) {
            throw failed("cannot write the card state", e.getCause());
        }
    }


    private static CardException alreadyExists(Path directory) {
        return new CardException(CardException.ALREADY_EXISTS, "a card already exists in " + directory);
    }

    private static CardException corrupt(Throwable cause) {
        return new CardException(CardException.STORAGE_CORRUPT,
                "the card state cannot be opened: it was altered, truncated or belongs to another card", cause);
    }

    private static CardException failed(String message, IOException cause) {
        return new CardException(CardException.STORAGE_FAILED, message + ": " + cause.getMessage(), cause);
    }
}
