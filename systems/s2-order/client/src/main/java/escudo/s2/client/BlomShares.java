package escudo.s2.client;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.core.Text;
import escudo.core.EscudoException.Kind;
import escudo.crypto.PrivateFiles;
import escudo.crypto.SecretAccess;
import escudo.s2.protocol.BlomAuthority;
import escudo.s2.protocol.BlomShare;
import escudo.s2.protocol.OrderException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Blom shares on disk (S2, seed 002, Blom mode): the key authority issues one share per
 * identifier into owner-only files and then forgets its matrix, so nobody holds the master
 * secret once the shares are out. A node in Blom mode reads {@code <data dir>/blom/<id>.share}.
 */
public final class BlomShares {

    /** A file the command would write exists already (shares, a holder's wallet): nothing is overwritten. */
    public static final ErrorCode EXISTS = ErrorCode.declare("cli.exists", Kind.CONFLICT);
    /** The node has no Blom share for its party id. */
    public static final ErrorCode NO_BLOM_SHARE = ErrorCode.declare("node.no-blom-share", Kind.NOT_FOUND);
    /** The share file exists but cannot be read. */
    public static final ErrorCode UNREADABLE = ErrorCode.declare("node.blom-share-unreadable", Kind.INTERNAL);

    /** The folder of a node's shares, below its data directory. */
    public static final String DIR = "blom";

    private BlomShares() {
    }

    /** Where the share of {@code id} lives in {@code dir}; identifiers that are not plain file names are refused. */
    public static Path file(Path dir, String id) {
        if (!Text.isId(id)) {
            throw new EscudoException(OrderException.MALFORMED, "a Blom party identifier is an id (core.Text): it names the share's file");
        }
        return dir.resolve(id + ".share");
    }

    /**
     * Draws a fresh matrix for collusion bound {@code k}, writes the share of each identifier to the
     * file {@code files} names for it (which must not exist yet), and forgets the matrix.
     */
    public static void issue(int k, Map<String, Path> files) {
        for (Path f : files.values()) {
            if (Files.exists(f)) {
                throw new EscudoException(EXISTS, f + " already exists; shares are issued once");
            }
        }
        BlomAuthority authority = BlomAuthority.generate(k, new SecureRandom());
        for (Map.Entry<String, Path> e : new LinkedHashMap<>(files).entrySet()) {
            byte[] share = authority.issue(e.getKey()).export(SecretAccess.forSealedStorage());
            try {
                PrivateFiles.createDirectories(e.getValue().getParent());
                PrivateFiles.createNew(e.getValue(), share);
            } finally {
                Arrays.fill(share, (byte) 0);
            }
        }
    }

    /** The share in {@code file}. */
    public static BlomShare read(Path file) {
        if (!Files.exists(file)) {
            throw new EscudoException(NO_BLOM_SHARE, "no Blom share at " + file
                    + "; the key authority issues shares with 'escudo blom issue'");
        }
        try {
            return BlomShare.restore(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new EscudoException(UNREADABLE, "cannot read " + file + ": " + e.getMessage());
        }
    }
}
