package escudo.node;

import escudo.core.ErrorCode;
import escudo.node.spi.Secrets;
import escudo.core.EscudoException;
import escudo.core.EscudoException.Kind;
import escudo.crypto.Hpke;
import escudo.crypto.MacKey;
import escudo.crypto.PrivateFiles;
import escudo.crypto.SecretAccess;
import escudo.crypto.SecretBox;
import escudo.crypto.SigningKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A node's long-term signing keys (the bank's, a merchant's) and X25519 sealing keys (the issuer's
 * S0 registration key), stored sealed under a master key:
 * AES-256-GCM with a key derived per key name (HKDF), so the key files are useless without the
 * master key. The master key comes from {@code ESCUDO_MASTER_KEY} (64 hex digits) in production —
 * injected by the operator's secret store — or, on the embedded default, from
 * {@code <data dir>/master.key}, created once with owner-only permissions.
 */
public final class KeyVault {

    /** A key file or the key store cannot be read or written. */
    public static final ErrorCode KEY_STORAGE = ErrorCode.declare("node.key-storage", Kind.INTERNAL);
    /** The master key is not 64 hex digits. */
    public static final ErrorCode BAD_MASTER_KEY = ErrorCode.declare("node.bad-master-key", Kind.INVALID);
    /** An operator token from the environment shorter than 32 characters: too easy to guess. */
    public static final ErrorCode WEAK_OPERATOR_TOKEN = ErrorCode.declare("node.weak-operator-token", Kind.INVALID);

    public static final String MASTER_KEY_VARIABLE = "ESCUDO_MASTER_KEY";
    public static final String OPERATOR_TOKEN_VARIABLE = "ESCUDO_OPERATOR_TOKEN";
    private static final String OPERATOR_TOKEN_FILE = "operator.token";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path keyDir;
    private final byte[] masterKey;

    private KeyVault(Path keyDir, byte[] masterKey) {
        this.keyDir = keyDir;
        this.masterKey = masterKey;
    }

    public static KeyVault open(Path dataDir, Map<String, String> env) {
        Path keyDir = dataDir.resolve("keys");
        String fromEnv = env.get(MASTER_KEY_VARIABLE);
        try {
            PrivateFiles.createDirectories(keyDir);
            if (fromEnv != null && !fromEnv.isBlank()) {
                return new KeyVault(keyDir, parse(fromEnv.strip()));
            }
            Path file = dataDir.resolve("master.key");
            if (!Files.exists(file)) {
                byte[] fresh = new byte[32];
                RANDOM.nextBytes(fresh);
                PrivateFiles.createNew(file, HexFormat.of().formatHex(fresh).getBytes(StandardCharsets.US_ASCII));
            }
            return new KeyVault(keyDir, parse(Files.readString(file).strip()));
        } catch (IOException | UncheckedIOException e) {
            throw new EscudoException(KEY_STORAGE, "cannot open the key store in " + dataDir + ": " + e.getMessage());
        }
    }

    /**
     * The token this node's operators present for its parties' desk endpoints (the bank's account
     * opening, card issuance, enrolment codes, revocation and ledger; the merchant's till, payments
     * and deposits; the courier's deliveries): {@code ESCUDO_OPERATOR_TOKEN} in production, else
     * {@code <data dir>/keys/operator.token}, created once, owner-only.
     */
    public synchronized String operatorToken(Map<String, String> env) {
        return readOperatorToken(keyDir.getParent(), env).orElseGet(() -> {
            byte[] fresh = new byte[32];
            RANDOM.nextBytes(fresh);
            String token = HexFormat.of().formatHex(fresh);
            PrivateFiles.createNew(keyDir.resolve(OPERATOR_TOKEN_FILE), token.getBytes(StandardCharsets.US_ASCII));
            return token;
        });
    }

    /** The operator token of the node whose data is in {@code dataDir}, for a CLI on the same machine. */
    public static Optional<String> readOperatorToken(Path dataDir, Map<String, String> env) {
        String fromEnv = env.get(OPERATOR_TOKEN_VARIABLE);
        if (fromEnv != null && !fromEnv.isBlank()) {
            if (fromEnv.strip().length() < 32) {
                throw new EscudoException(WEAK_OPERATOR_TOKEN, OPERATOR_TOKEN_VARIABLE + " must have at least 32 characters");
            }
            return Optional.of(fromEnv.strip());
        }
        Path file = dataDir.resolve("keys").resolve(OPERATOR_TOKEN_FILE);
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file).strip()) : Optional.empty();
        } catch (IOException e) {
            throw new EscudoException(KEY_STORAGE, "cannot read " + file + ": " + e.getMessage());
        }
    }

    /** The signing key of that name; generated and sealed to disk on first use. */
    public synchronized SigningKey signingKey(String name) {
        requireName(name);
        return SigningKey.fromSeed(secret(name + ".key", "escudo/node-key/v1/" + name,
                () -> SigningKey.generate().seed(SecretAccess.forSealedStorage())));
    }

    /** The X25519 (HPKE) key pair of that name; generated and sealed to disk on first use. */
    public synchronized Hpke.Recipient sealKey(String name) {
        requireName(name);
        return Hpke.Recipient.fromPrivateKey(secret(name + ".x25519", "escudo/node-seal-key/v1/" + name,
                () -> Hpke.Recipient.generate().privateKey(SecretAccess.forSealedStorage())));
    }

    /** Reads the sealed key file, or creates it from {@code fresh} on first use. */
    private byte[] secret(String fileName, String context, Supplier<byte[]> fresh) {
        Path file = keyDir.resolve(fileName);
        byte[] associatedData = context.getBytes(StandardCharsets.UTF_8);
        SecretBox box = SecretBox.derive(masterKey, associatedData, "node-key");
        try {
            if (!Files.exists(file)) {
                byte[] key = fresh.get();
                PrivateFiles.createNew(file, box.seal(key, associatedData));
                return key;
            }
            return box.open(Files.readAllBytes(file), associatedData, "key " + fileName);
        } catch (IOException | UncheckedIOException e) {
            throw new EscudoException(KEY_STORAGE, "cannot read or write key " + fileName + ": " + e.getMessage());
        }
    }

    /**
     * A box for sealing a role's secrets at rest in its database (such as the issuer's device
     * secrets), keyed from the master key and the purpose; nothing is written to disk.
     */
    public SecretBox box(String purpose) {
        requireName(purpose);
        return SecretBox.derive(masterKey, ("escudo/node-box/v1/" + purpose).getBytes(StandardCharsets.UTF_8), "node-box");
    }

    /** A MAC key for tags a role makes and checks itself (such as S1's QR frames), keyed like {@link #box}. */
    public MacKey macKey(String purpose) {
        requireName(purpose);
        return MacKey.derive(masterKey, ("escudo/node-mac/v1/" + purpose).getBytes(StandardCharsets.UTF_8), "node-mac");
    }

    /**
     * The secrets of the party of {@code role} that {@code config} describes: its signing key and
     * sealing keys from this vault, and the node operator's token, which opens both the party's own
     * desk and (for a node run by the bank's operator) the bank's.
     */
    public Secrets secrets(NodeConfig.Role role, NodeConfig config, Map<String, String> env) {
        SigningKey signingKey = signingKey(Node.signingKeyName(role, config.id(role)));
        String token = operatorToken(env);
        return Secrets.of(signingKey, this::sealKey, this::box, this::macKey, token, Optional.of(token));
    }

    private static void requireName(String name) {
        if (name == null || !name.matches("[a-z0-9-]{1,64}")) {
            throw new IllegalArgumentException("key names are lower-case letters, digits and dashes");
        }
    }

    private static byte[] parse(String hex) {
        try {
            byte[] key = HexFormat.of().parseHex(hex);
            if (key.length == 32) {
                return key;
            }
        } catch (IllegalArgumentException e) {
            // reported below without echoing the value
        }
        throw new EscudoException(BAD_MASTER_KEY, "the master key must be 64 hex digits (32 bytes)");
    }
}
