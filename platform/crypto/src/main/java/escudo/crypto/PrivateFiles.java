package escudo.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files that hold key material or sealed state: owner-only where the file system has POSIX
 * permissions, written to disk before the call returns, and replaced atomically, so a crash leaves
 * the old content or the new, never half of either. I/O failures are {@link UncheckedIOException}s,
 * which each caller turns into its own stable error code.
 */
public final class PrivateFiles {

    private PrivateFiles() {
    }

    /** Creates {@code directory} and its parents; the last one owner-only. */
    public static void createDirectories(Path directory) {
        try {
            Files.createDirectories(directory, ownerOnly(directory, "rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
    }

    /** Creates {@code file}, which must not exist, and writes and syncs {@code content}. */
    public static void createNew(Path file, byte[] content) {
        try {
            write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file, e);
        }
    }

    /** Replaces {@code file} by {@code content} atomically (a synced sibling file renamed over it). */
    public static void replace(Path file, byte[] content) {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(temp);
            write(temp, content);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace " + file + " atomically", e);
        }
    }

    private static void write(Path file, byte[] content) throws IOException {
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try (FileChannel channel = FileChannel.open(file, options, ownerOnly(file, "rw-------"))) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }

    /** Makes a rename durable; a platform that cannot open a directory (Windows) journals renames itself. */
    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException skipped) {
            // nothing more can be done on such a platform
        }
    }

    private static FileAttribute<?>[] ownerOnly(Path path, String permissions) {
        boolean posix = path.getFileSystem().supportedFileAttributeViews().contains("posix");
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))}
                : new FileAttribute<?>[0];
    }
}
