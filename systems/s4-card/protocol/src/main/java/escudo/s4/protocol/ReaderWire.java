package escudo.s4.protocol;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Optional;

/**
 * The wire between a terminal and a card sitting in a reader across a local socket ({@code escudo
 * card simulator}): every APDU travels as one frame, a two-byte big-endian length and that many
 * bytes, as vsmartcard's virtual reader frames them. A connection is one insertion of the card:
 * when it closes, the card is reset and forgets what it held in RAM.
 */
public final class ReaderWire {

    /** The longest frame the length field can say; an extended APDU fits. */
    public static final int MAX_FRAME = 0xFFFF;

    private ReaderWire() {}

    public static void write(DataOutputStream out, byte[] apdu) throws IOException {
        if (apdu.length == 0 || apdu.length > MAX_FRAME) {
            throw new IllegalArgumentException("an APDU frame holds 1 to " + MAX_FRAME + " bytes");
        }
        out.writeShort(apdu.length);
        out.write(apdu);
        out.flush();
    }

    /**
     * The next frame, or empty when the other side closed the connection between frames.
     *
     * @throws IOException also for an empty frame, or a connection that closes inside one
     */
    public static Optional<byte[]> read(DataInputStream in) throws IOException {
        int high = in.read();
        if (high < 0) {
            return Optional.empty();
        }
        int length = high << 8 | in.readUnsignedByte();
        if (length == 0) {
            throw new IOException("an empty APDU frame");
        }
        byte[] apdu = new byte[length];
        try {
            in.readFully(apdu);
        } catch (EOFException e) {
            throw new IOException("the connection closed inside an APDU frame", e);
        }
        return Optional.of(apdu);
    }
}
