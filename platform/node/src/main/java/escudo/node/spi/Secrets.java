package escudo.node.spi;

import escudo.crypto.Hpke;
import escudo.crypto.MacKey;
import escudo.crypto.SecretBox;
import escudo.crypto.SigningKey;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A party's keys and desk tokens. On a node they live sealed in its key vault; {@link #ephemeral}
 * keeps fresh ones in memory for tests, the demo and benchmarks.
 */
public interface Secrets {

    /** The party's own Ed25519 key: the bank's key, a merchant's deposit key, a courier's key. */
    SigningKey signingKey();

    /** The X25519 (HPKE) key pair of that name, such as the bank's S0 registration key. */
    Hpke.Recipient sealKey(String name);

    /** A box for sealing the party's secrets at rest in its database, keyed by purpose. */
    SecretBox box(String purpose);

    /** A MAC key of the party's own, keyed by purpose: for tags it makes and later checks itself. */
    MacKey macKey(String purpose);

    /** The token the party's own desk presents for its operator endpoints. */
    String operatorToken();

    /** The bank desk's token, when this party's operator holds it (it then registers itself at the bank). */
    Optional<String> bankDeskToken();

    /**
     * Secrets made of their parts: a vault's lookups or an in-memory map. The operator token has at
     * least 32 characters.
     */
    static Secrets of(SigningKey signingKey, Function<String, Hpke.Recipient> sealKeys, Function<String, SecretBox> boxes,
            Function<String, MacKey> macKeys, String operatorToken, Optional<String> bankDeskToken) {
        requireToken(operatorToken);
        return new SecretParts(Objects.requireNonNull(signingKey, "signingKey"), sealKeys, boxes, macKeys, operatorToken, bankDeskToken);
    }

    /** Fresh keys for one party that live as long as the process; the bank desk's token only if given. */
    static Secrets ephemeral(SigningKey signingKey, String operatorToken, String bankDeskToken) {
        byte[] root = new byte[32];
        new SecureRandom().nextBytes(root);
        Map<String, Hpke.Recipient> sealKeys = new ConcurrentHashMap<>();
        return of(signingKey, name -> sealKeys.computeIfAbsent(name, n -> Hpke.Recipient.generate()),
                purpose -> SecretBox.derive(root, null, purpose), purpose -> MacKey.derive(root, null, purpose), operatorToken,
                Optional.ofNullable(bankDeskToken));
    }

    /** {@link #ephemeral} with a fresh random operator token that also opens the bank's desk. */
    static Secrets ephemeral(SigningKey signingKey) {
        byte[] token = new byte[32];
        new SecureRandom().nextBytes(token);
        String hex = HexFormat.of().formatHex(token);
        return ephemeral(signingKey, hex, hex);
    }

    private static void requireToken(String token) {
        if (token == null || token.length() < 32) {
            throw new IllegalArgumentException("an operator token has at least 32 characters");
        }
    }
}
