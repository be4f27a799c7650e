package escudo.node.http;

import io.helidon.common.socket.SocketOptions;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Helidon's defaults for accepted sockets, plus a read timeout on each: Helidon 4.3 (and 4.5) keeps
 * {@link SocketOptions#readTimeout()} for its client and accepts server connections without one, so
 * a client that connects and sends nothing, or stops halfway through its request line, its headers
 * or its body, would hold a connection and its virtual thread for good. With {@code SO_TIMEOUT} set,
 * a read that waits longer fails, and Helidon closes the connection.
 */
record ReadTimeout(SocketOptions defaults, Duration timeout) implements SocketOptions {

    static ReadTimeout of(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a read timeout is positive and below 24 days");
        }
        return new ReadTimeout(SocketOptions.create(), timeout);
    }

    @Override
    public void configureSocket(Socket socket) {
        defaults.configureSocket(socket);
        try {
            socket.setSoTimeout((int) timeout.toMillis());
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Map<SocketOption<?>, Object> socketOptions() {
        return defaults.socketOptions();
    }

    @Override
    public Duration connectTimeout() {
        return defaults.connectTimeout();
    }

    @Override
    public Duration readTimeout() {
        return timeout;
    }

    @Override
    public Optional<Integer> socketReceiveBufferSize() {
        return defaults.socketReceiveBufferSize();
    }

    @Override
    public Optional<Integer> socketSendBufferSize() {
        return defaults.socketSendBufferSize();
    }

    @Override
    public boolean socketReuseAddress() {
        return defaults.socketReuseAddress();
    }

    @Override
    public boolean socketKeepAlive() {
        return defaults.socketKeepAlive();
    }

    @Override
    public boolean tcpNoDelay() {
        return defaults.tcpNoDelay();
    }
}
