package escudo.s3.protocol;

import escudo.core.Bytes;
import escudo.crypto.CanonicalReader;
import escudo.crypto.CanonicalWriter;
import java.time.Instant;

/** Encodings of the field types that several messages share (docs/protocol.md, "Field types"). */
final class Fields {

    private Fields() {
    }

    /** Instants are signed at millisecond precision: UTC milliseconds since the epoch. */
    static void instant(CanonicalWriter w, Instant instant) {
        w.i64(instant.toEpochMilli());
    }

    static Instant instant(CanonicalReader r) {
        return Instant.ofEpochMilli(r.i64());
    }

    static Instant millis(Instant instant) {
        return Instant.ofEpochMilli(instant.toEpochMilli());
    }

    static String text(String value, String name, int maxLength) {
        if (value == null || value.isBlank()) {
            throw ProtocolException.malformed(name + " is required");
        }
        if (value.length() > maxLength) {
            throw ProtocolException.malformed(name + " is longer than " + maxLength + " characters");
        }
        return value;
    }

    static Bytes signature(Bytes signature, String name) {
        if (signature == null || signature.length() != 64) {
            throw ProtocolException.malformed(name + " must be a 64-byte Ed25519 signature");
        }
        return signature;
    }
}
