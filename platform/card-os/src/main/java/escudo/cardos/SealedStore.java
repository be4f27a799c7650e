package escudo.cardos;

import escudo.core.EscudoException.Kind;
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
 * The card's two files in its directory: {@value CardOs#KEY_FILE} (32 random bytes, owner
 * read/write only where the file system has POSIX permissions) and {@value CardOs#STATE_FILE}, the
 * encoded {@link CardImage} sealed with AES-256-GCM under
 * {@code HKDF(storage.key, no salt, "escudo/card-os")} with the domain string as associated data.
 * Every write goes to a fresh temporary file that is forced to disk and then atomically renamed
 * over the state file, so after a crash the directory holds the old image or the new one, never a mix.
 */
final class SealedStore {

    /** The state file of the S3 card before the card OS (development builds of 0.1.0); see docs/security.md. */
    private static final String EARLIER_STATE_FILE = "card.state";
    private static final int KEY_LENGTH = 32;
    private static final String PURPOSE = "card-os";
    private static final byte[] ASSOCIATED_DATA = CardImage.DOMAIN.getBytes(StandardCharsets.UTF_8);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path directory;
    private final SecretBox box;

    private SealedStore(Path directory, byte[] storageKey) {
        this.directory = directory;
        this.box = SecretBox.derive(storageKey, null, PURPOSE);
    }

    /** Creates the directory (if needed), a fresh storage key and the first image; refuses if a card is there. */
    static SealedStore create(Path directory, CardImage first) {
        Path keyFile = directory.resolve(CardOs.KEY_FILE);
        if (Files.exists(keyFile) || Files.exists(directory.resolve(CardOs.STATE_FILE))) {
            throw alreadyExists(directory);
        }
        byte[] key = new byte[KEY_LENGTH];
        RANDOM.nextBytes(key);
        SealedStore store;
        try {
            if (!Files.isDirectory(directory)) {
                PrivateFiles.createDirectories(directory);
            }
            PrivateFiles.createNew(keyFile, key);
            store = new SealedStore(directory, key);
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof FileAlreadyExistsException) {
                throw alreadyExists(directory);
            }
            throw failed("cannot create the card's storage key", e.getCause());
        } finally {
            Arrays.fill(key, (byte) 0);
        }
        try {
            store.write(first);
        } catch (RuntimeException e) {
            store.abandon();
            throw e;
        }
        return store;
    }

    /** Opens an existing card's storage; does not read the image yet. */
    static SealedStore open(Path directory) {
        Path keyFile = directory.resolve(CardOs.KEY_FILE);
        if (!Files.isRegularFile(directory.resolve(CardOs.STATE_FILE)) && Files.isRegularFile(directory.resolve(EARLIER_STATE_FILE))) {
            throw new CardOsException(CardOsException.EARLIER_FORMAT, "the card in " + directory
                    + " was made before the card OS and does not open with this release; issue a new card");
        }
        if (!Files.isRegularFile(keyFile) || !Files.isRegularFile(directory.resolve(CardOs.STATE_FILE))) {
            throw new CardOsException(CardOsException.NOT_FOUND, "no card in " + directory);
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
            return new SealedStore(directory, key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    CardImage read() {
        byte[] sealed;
        try {
            sealed = Files.readAllBytes(directory.resolve(CardOs.STATE_FILE));
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
            return CardImage.decode(plaintext);
        } catch (RuntimeException e) {
            throw corrupt(e); // parse errors name a field or a rule, never its bytes
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /** Replaces the state file atomically; on failure the old image is still there. */
    void write(CardImage image) {
        byte[] plaintext = image.encode();
        byte[] sealed;
        try {
            sealed = box.seal(plaintext, ASSOCIATED_DATA);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
        try {
            PrivateFiles.replace(directory.resolve(CardOs.STATE_FILE), sealed);
        } catch (UncheckedIOException e) {
            throw failed("cannot write the card state", e.getCause());
        }
    }

    /** Deletes the storage key after a creation that could not write its first image. */
    private void abandon() {
        try {
            Files.deleteIfExists(directory.resolve(CardOs.STATE_FILE));
            Files.deleteIfExists(directory.resolve(CardOs.KEY_FILE));
        } catch (IOException ignored) {
            // best effort: the next creation reports card.already-exists and a person looks
        }
    }

    private static CardOsException alreadyExists(Path directory) {
        return new CardOsException(CardOsException.ALREADY_EXISTS, "a card already exists in " + directory);
    }

    private static CardOsException corrupt(Throwable cause) {
        return new CardOsException(CardOsException.STORAGE_CORRUPT,
                "the card state cannot be opened: it was altered, truncated or belongs to another card", cause);
    }

    private static CardOsException failed(String message, IOException cause) {
        return new CardOsException(CardOsException.STORAGE_FAILED, message + ": " + cause.getMessage(), cause);
    }
}
