package escudo.s4.terminal;

import escudo.core.EscudoException;
import escudo.core.EscudoException.Kind;
import escudo.core.ErrorCode;
import escudo.s4.protocol.CardLink;
import escudo.s4.protocol.ReaderWire;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import javax.smartcardio.CommandAPDU;
import javax.smartcardio.ResponseAPDU;

/**
 * The terminal's side of a card in a reader across a local socket ({@link ReaderWire}): the Java
 * Card applet that {@code escudo card simulator} keeps in jCardSim. Closing the connection takes
 * the card out, so the reader resets it.
 */
public final class ReaderConnection implements CardLink {

    /** No card answers at that address, or the connection broke. */
    public static final ErrorCode READER_UNAVAILABLE = ErrorCode.declare("s4.reader-unavailable", Kind.INTERNAL);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final InetSocketAddress reader;
    private Socket socket;
    private DataInputStream in;
    private DataOutputStream out;

    private ReaderConnection(InetSocketAddress reader) {
        this.reader = reader;
    }

    /** Connects to the reader at {@code host}:{@code port}; {@code s4.reader-unavailable} if none answers. */
    public static ReaderConnection connect(String host, int port) {
        ReaderConnection connection = new ReaderConnection(new InetSocketAddress(host, port));
        connection.insert();
        return connection;
    }

    @Override
    public synchronized ResponseAPDU transmit(CommandAPDU command) {
        if (socket == null) {
            insert();
        }
        try {
            ReaderWire.write(out, command.getBytes());
            byte[] answer = ReaderWire.read(in).orElseThrow(() -> new IOException("the reader closed the connection"));
            if (answer.length < 2) {
                throw new EscudoException(MemberTerminal.BAD_ANSWER, "the reader answered " + answer.length + " byte(s), not a response APDU");
            }
            return new ResponseAPDU(answer);
        } catch (IOException e) {
            close();
            throw new EscudoException(READER_UNAVAILABLE, "the card reader's connection broke: " + e.getMessage());
        }
    }

    /** Takes the card out (the reader resets it); the next command puts it back in. */
    @Override
    public synchronized void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // nothing is left to release
            }
            socket = null;
        }
    }

    private void insert() {
        Socket connecting = new Socket();
        try {
            connecting.connect(reader, (int) TIMEOUT.toMillis());
            connecting.setSoTimeout((int) TIMEOUT.toMillis());
            connecting.setTcpNoDelay(true);
            in = new DataInputStream(new BufferedInputStream(connecting.getInputStream()));
            out = new DataOutputStream(new BufferedOutputStream(connecting.getOutputStream()));
            socket = connecting;
        } catch (IOException e) {
            try {
                connecting.close();
            } catch (IOException ignored) {
                // it never opened
            }
            throw new EscudoException(READER_UNAVAILABLE, "no card reader answers at " + reader.getHostString() + ":" + reader.getPort()
                    + " (is 'escudo card simulator' running?)");
        }
    }
}
