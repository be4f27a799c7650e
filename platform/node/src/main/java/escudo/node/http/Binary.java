package escudo.node.http;

import escudo.core.Bytes;
import java.util.Objects;

/**
 * What a handler answers when the answer is not JSON but bytes of a standard format: a DER
 * certificate ({@code application/pkix-cert}), a CRL ({@code application/pkix-crl}), an OCSP answer
 * ({@code application/ocsp-response}). {@link Routes} sends it with 200 and that media type.
 */
public record Binary(String mediaType, Bytes content) {

    public Binary {
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(content, "content");
    }

    public static Binary of(String mediaType, byte[] content) {
        return new Binary(mediaType, Bytes.of(content));
    }
}
