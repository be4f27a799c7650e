package escudo.s4.applet;

import escudo.s4.protocol.CardLink;
import escudo.s4.protocol.ReaderWire;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import javax.smartcardio.CommandAPDU;
import javax.smartcardio.ResponseAPDU;

/**
 * A card in a reader that terminals of other processes reach over a loopback socket, in the frames
 * of {@link ReaderWire}: what {@code escudo card simulator} runs so that the applet's state lives in
 * one long-running simulator while each {@code escudo card} command is a process of its own.
 *
 * <p>Like a reader's single slot it serves one terminal at a time; the next waits in the backlog.
 * When a terminal disconnects the card is reset ({@link CardLink#close()}), as if pulled out and
 * put back: a PIN verification or a provider's session never carries over to the next terminal.
 * A frame that is no APDU (fewer than four bytes, or a length that does not add up) is answered
 * {@code 6700} without reaching the card, as a reader's driver would refuse it.
 */
public final class SocketReader implements AutoCloseable {

    private static final byte[] WRONG_LENGTH = {0x67, 0x00};

    private final CardLink card;
    private final ServerSocket server;
    private final Consumer<String> log;
    private final Thread slot;

    private SocketReader(CardLink card, ServerSocket server, Consumer<String> log) {
        this.card = card;
        this.server = server;
        this.log = log;
        this.slot = Thread.ofPlatform().name("s4-reader-" + server.getLocalPort()).daemon().unstarted(this::serve);
    }

    /** Puts {@code card} in a reader listening on 127.0.0.1:{@code port} (0: any free port); {@code log} hears terminals come and go. */
    public static SocketReader open(CardLink card, int port, Consumer<String> log) {
        Objects.requireNonNull(card, "card");
        Objects.requireNonNull(log, "log");
        try {
            SocketReader reader = new SocketReader(card, new ServerSocket(port, 8, InetAddress.getLoopbackAddress()), log);
            reader.slot.start();
            return reader;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket terminal = server.accept()) {
                log.accept("a terminal connected");
                exchange(terminal);
                log.accept("the terminal disconnected; the card is reset");
            } catch (SocketException e) {
                if (!server.isClosed()) {
                    log.accept("the terminal's connection broke; the card is reset");
                }
            } catch (IOException e) {
                log.accept("the terminal's connection broke (" + e.getMessage() + "); the card is reset");
            } finally {
                card.close();
            }
        }
    }

    private void exchange(Socket terminal) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(terminal.getInputStream()));
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(terminal.getOutputStream()));
        for (Optional<byte[]> frame = ReaderWire.read(in); frame.isPresent(); frame = ReaderWire.read(in)) {
            ReaderWire.write(out, answer(frame.get()));
        }
    }

    private byte[] answer(byte[] frame) {
        CommandAPDU command;
        try {
            command = new CommandAPDU(frame);
        } catch (IllegalArgumentException e) {
            return WRONG_LENGTH.clone();
        }
        ResponseAPDU response = card.transmit(command);
        return response.getBytes();
    }

    /** Stops listening; the card stays as it is, in this process's memory. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
