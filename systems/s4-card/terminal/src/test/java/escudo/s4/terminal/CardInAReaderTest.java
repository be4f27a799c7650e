package escudo.s4.terminal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import escudo.core.EscudoException;
import escudo.s4.applet.SimulatedCard;
import escudo.s4.applet.SocketReader;
import escudo.s4.protocol.CardLink;
import escudo.s4.protocol.CardStatus;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link CardContract} on the Java Card applet in jCardSim behind a {@link SocketReader}, reached
 * through a {@link ReaderConnection}, as {@code escudo card} commands reach {@code escudo card
 * simulator}: every APDU of the suite crosses the socket.
 */
class CardInAReaderTest extends CardContract {

    private final List<SocketReader> readers = new ArrayList<>();
    private final List<String> log = new ArrayList<>();

    @Override
    CardLink issue(String issuerId, byte[] issuerKey, String holder, String pin) {
        SocketReader reader = SocketReader.open(SimulatedCard.issue(issuerId, issuerKey, holder, pin), 0, line -> {
            synchronized (log) {
                log.add(line);
            }
        });
        readers.add(reader);
        return ReaderConnection.connect(InetAddress.getLoopbackAddress().getHostAddress(), reader.port());
    }

    @AfterEach
    void closeReaders() {
        readers.forEach(SocketReader::close);
    }

    @Test
    void aTerminalThatDisconnectsLeavesTheCardReset() {
        terminal.select();
        terminal.verifyPin(PIN);
        terminal.close(); // the connection closes: the reader resets the card
        terminal.select();
        EscudoException refused = assertThrows(EscudoException.class, () -> terminal.holder("Mallory"));
        assertEquals(CardStatus.SECURITY_STATUS.code(), refused.code(), "the PIN's verification did not survive the reset");
    }

    @Test
    void aFrameThatIsNoApduIsAnsweredWrongLengthAndTheCardStillServes() throws IOException {
        terminal.close();
        try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), readers.getFirst().port())) {
            DataOutputStream out = new DataOutputStream(raw.getOutputStream());
            DataInputStream in = new DataInputStream(raw.getInputStream());
            out.writeShort(2);
            out.write(new byte[] {0x00, (byte) 0xA4});
            out.flush();
            assertEquals(2, in.readUnsignedShort());
            assertArrayEquals(new byte[] {0x67, 0x00}, in.readNBytes(2));
        }
        assertEquals(16, terminal.select().serial().length(), "the next terminal is served");
    }

    @Test
    void noReaderAtTheAddressIsAStableError() {
        int port = readers.getFirst().port();
        readers.getFirst().close();
        terminal.close();
        EscudoException refused = assertThrows(EscudoException.class, () -> ReaderConnection.connect("127.0.0.1", port));
        assertEquals(ReaderConnection.READER_UNAVAILABLE, refused.code());
    }
}
