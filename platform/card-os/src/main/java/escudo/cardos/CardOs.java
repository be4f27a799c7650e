package escudo.cardos;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The card operating system every application on a card runs on (seed 004, claims 1, 4 and 7):
 * the card's sealed persistent store, holder verification by PIN, and one record per application,
 * which only that application reads and writes (through its {@link Application}). The OS keeps
 * the records as opaque bytes; each application encodes its own canonically.
 *
 * <p>Every change goes through one {@link Operation} and is one atomic write of the whole card:
 * the image is encoded, sealed with AES-256-GCM under a key derived from {@value #KEY_FILE}, and
 * renamed over {@value #STATE_FILE}, so a crash at any point leaves the old card or the new one.
 * The image in memory changes only after the write succeeded.
 *
 * <p><b>The limit of a software card.</b> A real card keeps its memory where nobody can read or
 * rewrite it. Here, whoever holds both files can decrypt every record, copy the card, or roll it
 * back to an older state (more PIN tries, an older record). Applications must assume this and let
 * their issuer catch what a clone or a rollback does (S3: a ser# spent twice). Keep the card
 * directory on storage only its holder can read. An instance is meant for one process at a time;
 * its methods are synchronized for threads within that process.
 */
public final class CardOs {

    /** The storage key: 32 random bytes, owner-only. */
    public static final String KEY_FILE = "storage.key";
    /** The sealed image of the whole card. */
    public static final String STATE_FILE = "card-os.state";

    private final SealedStore store;
    private CardImage image;

    private CardOs(SealedStore store, CardImage image) {
        this.store = store;
        this.image = image;
    }

    /**
     * A new card in {@code directory} (created if needed) with a fresh storage key, no PIN yet and
     * {@code application} installed with its first {@code record}, all in the first write.
     *
     * @throws CardOsException {@code card.already-exists} if the directory holds a card
     */
    public static CardOs create(Path directory, ApplicationId application, byte[] record) {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(application, "application");
        Objects.requireNonNull(record, "record");
        CardImage first = CardImage.of(application, record);
        return new CardOs(SealedStore.create(directory, first), first);
    }

    /**
     * Loads the card in {@code directory}.
     *
     * @throws CardOsException {@code card.not-found} if there is none, {@code card.storage-corrupt}
     *                         if its state cannot be decrypted or parsed
     */
    public static CardOs open(Path directory) {
        Objects.requireNonNull(directory, "directory");
        SealedStore store = SealedStore.open(directory);
        return new CardOs(store, store.read());
    }

    /** The handle through which {@code id} reads and writes its own record, and only that. */
    public Application application(ApplicationId id) {
        return new Application(this, Objects.requireNonNull(id, "id"));
    }

    public synchronized HolderStatus holder() {
        return image.holder();
    }

    synchronized CardImage image() {
        return image;
    }

    /** Persists {@code next} and only then makes it the card's image. */
    synchronized void commit(CardImage next) {
        store.write(next);
        image = next;
    }

    @Override
    public synchronized String toString() {
        return "CardOs(" + image + ")";
    }
}
