package escudo.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Writes the canonical bytes that Escudo signs (docs/protocol.md): a domain tag first, then
 * fields in a fixed order, integers big-endian, strings and byte strings with a length prefix.
 * The same value always gives the same bytes, and no two different values give the same bytes.
 */
public final class CanonicalWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

    private CanonicalWriter() {
    }

    /** Starts a message with its domain tag, e.g. {@code escudo/s3/payment-cert/v1}. */
    public static CanonicalWriter domain(String tag) {
        return new CanonicalWriter().string(tag);
    }

    public CanonicalWriter u8(int value) {
        if (value < 0 || value > 0xFF) {
            throw new IllegalArgumentException("u8 out of range: " + value);
        }
        out.write(value);
        return this;
    }

    public CanonicalWriter u32(long value) {
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("u32 out of range: " + value);
        }
        for (int shift = 24; shift >= 0; shift -= 8) {
            out.write((int) (value >>> shift) & 0xFF);
        }
        return this;
    }

    /** A signed 64-bit integer, two's complement, big-endian. */
    public CanonicalWriter i64(long value) {
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.write((int) (value >>> shift) & 0xFF);
        }
        return this;
    }

    /**
     * UTF-8 bytes prefixed with their length as u32. Text that is not valid Unicode (a lone
     * surrogate) is refused rather than replaced, so two different strings never sign alike.
     */
    public CanonicalWriter string(String value) {
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(value));
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            return bytes(bytes);
        } catch (CharacterCodingException e) {
            throw CryptoException.malformed("text is not valid Unicode");
        }
    }

    /** Money: the ISO 4217 code as a string, then the minor units as i64. */
    public CanonicalWriter money(escudo.core.Money money) {
        return string(money.currencyCode()).i64(money.minorUnits());
    }

    /** Raw bytes prefixed with their length as u32. */
    public CanonicalWriter bytes(byte[] value) {
        u32(value.length);
        out.writeBytes(value);
        return this;
    }

    /** The same encoding as {@link #bytes(byte[])}. */
    public CanonicalWriter bytes(escudo.core.Bytes value) {
        return bytes(value.toByteArray());
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
