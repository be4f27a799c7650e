package escudo.crypto;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

/**
 * Reads what {@link CanonicalWriter} wrote, strictly: a wrong domain tag, a truncated field,
 * invalid UTF-8 or trailing bytes are all {@code crypto.malformed-encoding}.
 */
public final class CanonicalReader {

    private static final int MAX_FIELD = 1 << 20;

    private final byte[] in;
    private int position;

    private CanonicalReader(byte[] in) {
        this.in = in;
    }

    /** Opens {@code encoded} and checks that it starts with {@code tag}. */
    public static CanonicalReader expect(byte[] encoded, String tag) {
        CanonicalReader reader = new CanonicalReader(encoded == null ? new byte[0] : encoded);
        String found = reader.string();
        if (!found.equals(tag)) {
            throw CryptoException.malformed("expected a " + tag + " message");
        }
        return reader;
    }

    public int u8() {
        need(1);
        return in[position++] & 0xFF;
    }

    public long u32() {
        need(4);
        long value = 0;
        for (int i = 0; i < 4; i++) {
            value = (value << 8) | (in[position++] & 0xFF);
        }
        return value;
    }

    public long i64() {
        need(8);
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (in[position++] & 0xFF);
        }
        return value;
    }

    public byte[] bytes() {
        long length = u32();
        if (length > MAX_FIELD) {
            throw CryptoException.malformed("field too long");
        }
        need((int) length);
        byte[] value = java.util.Arrays.copyOfRange(in, position, position + (int) length);
        position += (int) length;
        return value;
    }

    public String string() {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes())).toString();
        } catch (CharacterCodingException e) {
            throw CryptoException.malformed("text field is not UTF-8");
        }
    }

    /** Money as {@link CanonicalWriter#money} wrote it; an unknown currency is {@code money.invalid}. */
    public escudo.core.Money money() {
        String currency = string();
        return escudo.core.Money.of(i64(), currency);
    }

    /** Asserts that every byte was consumed. */
    public void end() {
        if (position != in.length) {
            throw CryptoException.malformed("unexpected bytes after the message");
        }
    }

    private void need(int count) {
        if (in.length - position < count) {
            throw CryptoException.malformed("message is truncated");
        }
    }
}
