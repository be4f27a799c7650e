package escudo.s1.protocol;

import escudo.crypto.CanonicalReader;
import escudo.crypto.CanonicalWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * Seed 001, Fig. 5 (S330-S340): one frame of the animated QR code that hands an approval from the
 * PC to the phone with no pending store and no push. A frame holds the {@link ApprovalRequest}, the
 * whole seconds since the request was made at which the frame was shown, and the service's code
 * over both: HMAC-SHA256 under a key only the service holds, as BankID's
 * {@code qrAuthCode = HMAC(qrStartSecret, seconds)}. The code changes every second, and the phone
 * signs the very frame it read, so the service learns when the user saw it: a photographed code
 * goes stale.
 */
public record QrFrame(ApprovalRequest request, long seconds, byte[] code) {

    static final String DOMAIN = "escudo/s1/qr-frame/v1";
    private static final String CODED = "escudo/s1/qr-code/v1";
    /** What the QR code's text starts with, so the phone tells an Escudo frame from any other code. */
    static final String SCHEME = "escudo-s1:";
    private static final int CODE_LENGTH = 32;

    public QrFrame {
        Objects.requireNonNull(request, "request");
        if (seconds < 0 || seconds > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("a frame's seconds are 0 to 2^32 - 1");
        }
        if (code.length != CODE_LENGTH) {
            throw new IllegalArgumentException("a frame's code is an HMAC-SHA256");
        }
        code = code.clone();
    }

    @Override
    public byte[] code() {
        return code.clone();
    }

    /** The bytes the service's code authenticates: the request and the second, domain-separated. */
    public static byte[] coded(ApprovalRequest request, long seconds) {
        return CanonicalWriter.domain(CODED).bytes(request.encode()).u32(seconds).toByteArray();
    }

    /** When the service showed this frame: the request's creation plus the frame's seconds. */
    public Instant shownAt() {
        return request.createdAt().plusSeconds(seconds);
    }

    /** The canonical bytes the phone signs (the CMS content of a Flow B approval). */
    public byte[] encode() {
        return CanonicalWriter.domain(DOMAIN).bytes(request.encode()).u32(seconds).bytes(code).toByteArray();
    }

    /** Reads what {@link #encode} wrote; anything else is {@code s1.bad-signature}: it is what a signature claims to cover. */
    public static QrFrame decode(byte[] encoded) {
        try {
            CanonicalReader r = CanonicalReader.expect(encoded, DOMAIN);
            QrFrame frame = new QrFrame(ApprovalRequest.decode(r.bytes()), r.u32(), r.bytes());
            r.end();
            return frame;
        } catch (RuntimeException e) {
            throw new ApprovalException(ApprovalException.BAD_SIGNATURE, "the signed content is not a frame of an approval's QR code");
        }
    }

    /** The QR code's text: the scheme, then the canonical bytes in unpadded base64url (ASCII, so any reader returns it as is). */
    public String text() {
        return SCHEME + Base64.getUrlEncoder().withoutPadding().encodeToString(encode());
    }

    /** The frame a QR code's text holds; another code's text is {@code s1.qr-unreadable}. */
    public static QrFrame read(String text) {
        if (text == null || !text.startsWith(SCHEME)) {
            throw unreadable();
        }
        byte[] encoded;
        try {
            encoded = Base64.getUrlDecoder().decode(text.substring(SCHEME.length()).getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw unreadable();
        }
        try {
            return decode(encoded);
        } catch (ApprovalException e) {
            throw unreadable();
        }
    }

    private static ApprovalException unreadable() {
        return new ApprovalException(ApprovalException.QR_UNREADABLE, "the code is not a frame of an Escudo approval");
    }
}
