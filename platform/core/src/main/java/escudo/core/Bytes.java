package escudo.core;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An immutable sequence of bytes with value equality (after Tink's {@code util.Bytes}), so a record
 * that holds a signature, a key or a ciphertext compares by content and nothing can change it
 * through an accessor. The bytes are copied in ({@link #of}) and out ({@link #toByteArray}).
 *
 * <p>{@link #toString} shows the length only: a {@code Bytes} may hold a secret (a device secret,
 * a private key), and a log line or an assertion message must never print one. Code that needs
 * the content as text asks for it explicitly ({@link #hex}, {@link #base64}). Equality is compared
 * in constant time, so comparing a MAC or a digest through it leaks nothing by its timing.
 */
public final class Bytes {

    public static final Bytes EMPTY = new Bytes(new byte[0]);

    private final byte[] data;

    private Bytes(byte[] data) {
        this.data = data;
    }

    /** A copy of {@code bytes}; later changes to the array do not show here. */
    public static Bytes of(byte[] bytes) {
        return new Bytes(Objects.requireNonNull(bytes, "bytes").clone());
    }

    /** Parses lower- or upper-case hex; an odd length or a non-hex character is an IllegalArgumentException. */
    public static Bytes ofHex(String hex) {
        return new Bytes(HexFormat.of().parseHex(Objects.requireNonNull(hex, "hex")));
    }

    /** A fresh copy of the bytes. */
    public byte[] toByteArray() {
        return data.clone();
    }

    public int length() {
        return data.length;
    }

    public boolean isEmpty() {
        return data.length == 0;
    }

    /** Lower-case hex of the content (for public values: digests, public keys). */
    public String hex() {
        return HexFormat.of().formatHex(data);
    }

    /** Standard base64 (RFC 4648 §4, padded) of the content. */
    public String base64() {
        return Base64.getEncoder().encodeToString(data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes other && MessageDigest.isEqual(data, other.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    /** The length only, never the content. */
    @Override
    public String toString() {
        return "Bytes(" + data.length + ")";
    }
}
