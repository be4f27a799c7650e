package escudo.node.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * An HTTP/1.1-aware TCP proxy on loopback, placed between two parties so a test can break their
 * conversation one request at a time: point the client party's configured peer URL (such as a
 * merchant's {@code escudo.issuer.url}) at {@link #uri()} and {@link #plan} the faults.
 * <pre>{@code
 * try (FaultProxy toBank = FaultProxy.to(bank::uri)) {
 *     toBank.plan("/issuer/deposits", Fault.loseResponse(), Fault.duplicate());
 *     // the merchant, configured with toBank.uri(), deposits twice: the first answer is lost, the second request arrives twice
 * }
 * }</pre>
 *
 * <p>It reads each request whole (request line, headers, then a body framed by
 * {@code Content-Length} or {@code chunked}) and keeps the client's connection alive between
 * requests as the client asks; each forwarded delivery goes to the server on a connection of its
 * own, opened to wherever {@code upstream} points at that moment, so a server restarted on another
 * port is found again. Bytes pass unchanged. Requests take the faults of the first plan they
 * match, in the order they arrive; once a plan is used up, or when none matches, they pass. Every
 * request is recorded as an {@link Exchange}. A client that waits for {@code 100 Continue} before
 * it sends its body is not served (the JDK's client and the nodes' never do).
 */
public final class FaultProxy implements AutoCloseable {

    /** One request as the proxy handled it: what was done to it, how often the server got it, and the server's last status (0: none). */
    public record Exchange(int number, String method, String path, Fault.Kind fault, int deliveries, int status) {
    }

    private static final int MAX_HEAD = 64 * 1024;
    /** CR LF CR LF as the last four bytes read. */
    private static final int END_OF_HEAD = 0x0d0a0d0a;
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int READ_TIMEOUT_MS = 30_000;

    private final ServerSocket listener;
    private final Supplier<URI> upstream;
    private final Map<String, Deque<Fault>> plans = new LinkedHashMap<>();
    private final List<Exchange> exchanges = new ArrayList<>();
    private final List<Throwable> hookFailures = new ArrayList<>();
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger numbers = new AtomicInteger();
    private volatile boolean closed;

    private FaultProxy(ServerSocket listener, Supplier<URI> upstream) {
        this.listener = listener;
        this.upstream = upstream;
    }

    /** A proxy to the server at {@code upstream}. */
    public static FaultProxy to(URI upstream) {
        Objects.requireNonNull(upstream, "upstream");
        return to(() -> upstream);
    }

    /** A proxy to wherever {@code upstream} says the server is when a request is forwarded (a restarted node's new port). */
    public static FaultProxy to(Supplier<URI> upstream) {
        Objects.requireNonNull(upstream, "upstream");
        ServerSocket listener;
        try {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException("the fault proxy cannot listen on loopback", e);
        }
        FaultProxy proxy = new FaultProxy(listener, upstream);
        Thread.ofVirtual().name("fault-proxy-accept-" + listener.getLocalPort()).start(proxy::accept);
        return proxy;
    }

    /** Where the client party sends its requests instead of the server. */
    public URI uri() {
        return URI.create("http://" + listener.getInetAddress().getHostAddress() + ":" + listener.getLocalPort());
    }

    /**
     * The next requests that {@code requests} names meet {@code faults}, one each, in order (after
     * any planned for it before): {@code requests} is a path prefix ({@code /issuer/deposits}) or a
     * method and a path prefix ({@code GET /issuer/cards}).
     */
    public synchronized FaultProxy plan(String requests, Fault... faults) {
        Objects.requireNonNull(requests, "requests");
        plans.computeIfAbsent(requests, key -> new ArrayDeque<>()).addAll(Arrays.asList(faults));
        return this;
    }

    /** Faults planned and not met yet: zero once the schedule has played out. */
    public synchronized int unplayed() {
        return plans.values().stream().mapToInt(Deque::size).sum();
    }

    /** Every request handled so far, in the order they arrived. */
    public synchronized List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    /** How many requests met a fault other than {@link Fault.Kind#PASS}. */
    public synchronized long faultsInjected() {
        return exchanges.stream().filter(e -> e.fault() != Fault.Kind.PASS).count();
    }

    /** Stops listening and cuts every connection; a hook that failed is thrown here. */
    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        connections.forEach(FaultProxy::closeQuietly);
        synchronized (this) {
            if (!hookFailures.isEmpty()) {
                IllegalStateException failure = new IllegalStateException("a fault hook failed", hookFailures.getFirst());
                hookFailures.stream().skip(1).forEach(failure::addSuppressed);
                throw failure;
            }
        }
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            connections.add(client);
            Thread.ofVirtual().name("fault-proxy-" + listener.getLocalPort()).start(() -> serve(client));
        }
    }

    /** One client connection: request after request until either side closes it or a fault ends it. */
    private void serve(Socket client) {
        try {
            client.setSoTimeout(0);
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            while (!closed) {
                Message request = Message.read(in, null);
                if (request == null) {
                    return; // the client closed its connection between requests
                }
                if (!handle(client, out, request)) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away, or sent what is no HTTP: the connection ends
        } finally {
            connections.remove(client);
            closeQuietly(client);
        }
    }

    /** Applies the request's fault; false when the client's connection is to end. */
    private boolean handle(Socket client, OutputStream out, Message request) throws IOException {
        Fault fault = faultFor(request.method(), request.path());
        int number = numbers.incrementAndGet();
        if (!fault.forwards()) {
            runHook(fault);
            record(new Exchange(number, request.method(), request.path(), fault.kind(), 0, 0));
            if (fault.kind() == Fault.Kind.RESET) {
                reset(client);
            }
            return false;
        }
        if (fault.kind() == Fault.Kind.DELAY) {
            sleep(fault);
        }
        Message answer;
        int deliveries = 0;
        try {
            answer = forward(request);
            deliveries++;
            if (fault.kind() == Fault.Kind.DUPLICATE) {
                answer = forward(request);
                deliveries++;
            }
        } catch (IOException serverGone) {
            runHook(fault);
            record(new Exchange(number, request.method(), request.path(), fault.kind(), deliveries, 0));
            return false; // as a client of a dead server sees it: the connection ends without an answer
        }
        runHook(fault);
        record(new Exchange(number, request.method(), request.path(), fault.kind(), deliveries, answer.status()));
        if (!fault.answers()) {
            if (fault.kind() == Fault.Kind.RESET_AFTER_ANSWER) {
                reset(client);
            }
            return false;
        }
        try {
            out.write(answer.raw());
            out.flush();
        } catch (SocketException clientGone) {
            return false; // it stopped waiting (its timeout, after a delay)
        }
        return !request.closesConnection() && !answer.closesConnection();
    }

    private synchronized Fault faultFor(String method, String path) {
        for (Map.Entry<String, Deque<Fault>> plan : plans.entrySet()) {
            String key = plan.getKey();
            int space = key.indexOf(' ');
            boolean matches = space < 0 ? path.startsWith(key)
                    : key.substring(0, space).equals(method) && path.startsWith(key.substring(space + 1));
            if (matches) {
                Fault next = plan.getValue().poll();
                return next != null ? next : Fault.pass();
            }
        }
        return Fault.pass();
    }

    private synchronized void record(Exchange exchange) {
        exchanges.add(exchange);
    }

    private void runHook(Fault fault) {
        if (fault.hook() == null) {
            return;
        }
        try {
            fault.hook().run();
        } catch (RuntimeException | Error e) {
            synchronized (this) {
                hookFailures.add(e);
            }
        }
    }

    /** One delivery of {@code request} to the server, on a connection of its own, and its whole answer. */
    private Message forward(Message request) throws IOException {
        URI target = upstream.get();
        try (Socket server = new Socket()) {
            server.connect(new InetSocketAddress(target.getHost(), target.getPort()), CONNECT_TIMEOUT_MS);
            server.setSoTimeout(READ_TIMEOUT_MS);
            OutputStream out = server.getOutputStream();
            out.write(request.raw());
            out.flush();
            return Message.read(new BufferedInputStream(server.getInputStream()), request.method());
        }
    }

    private static void sleep(Fault fault) {
        try {
            Thread.sleep(fault.delay());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A TCP reset: with linger 0, closing sends RST instead of FIN. */
    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException ignored) {
            // already closed
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /**
     * One HTTP/1.1 message as it went over the wire ({@code raw}: head and body, unchanged), with
     * what the proxy needs of its head. A response read for a request carries that request's method.
     */
    record Message(String startLine, List<Map.Entry<String, String>> headers, byte[] raw) {

        String method() {
            return startLine.split(" ", 2)[0];
        }

        /** The request target without its query. */
        String path() {
            String[] parts = startLine.split(" ");
            String target = parts.length > 1 ? parts[1] : "";
            int query = target.indexOf('?');
            return query < 0 ? target : target.substring(0, query);
        }

        int status() {
            String[] parts = startLine.split(" ");
            return parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
        }

        String header(String name) {
            return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                    .reduce((a, b) -> a + "," + b).orElse(null);
        }

        boolean closesConnection() {
            String connection = header("Connection");
            boolean http10 = startLine.startsWith("HTTP/1.0") || startLine.endsWith("HTTP/1.0");
            return connection != null ? connection.toLowerCase(Locale.ROOT).contains("close") : http10;
        }

        /**
         * Reads one request ({@code requestMethod} null) or the response to a request of
         * {@code requestMethod}, interim 1xx responses included in its bytes. Null when the
         * stream ends cleanly before a request starts.
         */
        static Message read(InputStream in, String requestMethod) throws IOException {
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            while (true) {
                String head = readHead(in, raw, requestMethod == null);
                if (head == null) {
                    return null;
                }
                String[] lines = head.split("\r\n");
                List<Map.Entry<String, String>> headers = new ArrayList<>();
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    if (colon <= 0) {
                        throw new IOException("not an HTTP header line: " + lines[i]);
                    }
                    headers.add(Map.entry(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim()));
                }
                Message message = new Message(lines[0], headers, null);
                if (requestMethod != null) {
                    int status = message.status();
                    if (status >= 100 && status < 200 && status != 101) {
                        continue; // an interim answer (100 Continue): its bytes pass with the final one
                    }
                    boolean bodiless = requestMethod.equals("HEAD") || status == 204 || status == 304 || status < 200;
                    if (!bodiless) {
                        readBody(in, raw, message, true);
                    }
                } else {
                    readBody(in, raw, message, false);
                }
                return new Message(message.startLine(), headers, raw.toByteArray());
            }
        }

        /** The head up to the empty line, its bytes appended to {@code raw}; null at a clean end before a request. */
        private static String readHead(InputStream in, ByteArrayOutputStream raw, boolean request) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int last = 0; // the last four bytes read
            int b;
            while ((b = in.read()) != -1) {
                if (head.size() == 0 && (b == '\r' || b == '\n') && request) {
                    continue; // a client may send empty lines before a request (RFC 9112, 2.2)
                }
                head.write(b);
                last = (last << 8) | b;
                if (last == END_OF_HEAD) {
                    byte[] bytes = head.toByteArray();
                    raw.writeBytes(bytes);
                    return new String(bytes, 0, bytes.length - 4, StandardCharsets.ISO_8859_1);
                }
                if (head.size() > MAX_HEAD) {
                    throw new IOException("an HTTP head over " + MAX_HEAD + " bytes");
                }
            }
            if (head.size() == 0 && request) {
                return null;
            }
            throw new EOFException("the connection ended inside an HTTP head");
        }

        private static void readBody(InputStream in, ByteArrayOutputStream raw, Message message, boolean response) throws IOException {
            String encoding = message.header("Transfer-Encoding");
            String length = message.header("Content-Length");
            if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
                readChunked(in, raw);
            } else if (length != null) {
                copy(in, raw, Long.parseLong(length.split(",")[0].trim()));
            } else if (response) {
                in.transferTo(raw); // no framing: the body runs to the end of the connection
            }
        }

        /** Chunk after chunk, size lines, extensions and trailers included, up to the last chunk and the empty line. */
        private static void readChunked(InputStream in, ByteArrayOutputStream raw) throws IOException {
            while (true) {
                String sizeLine = readLine(in, raw);
                int extension = sizeLine.indexOf(';');
                long size = Long.parseLong((extension < 0 ? sizeLine : sizeLine.substring(0, extension)).trim(), 16);
                if (size == 0) {
                    while (!readLine(in, raw).isEmpty()) {
                        // a trailer field
                    }
                    return;
                }
                copy(in, raw, size);
                if (!readLine(in, raw).isEmpty()) {
                    throw new IOException("a chunk does not end where its size says");
                }
            }
        }

        /** One line up to CRLF, appended to {@code raw} with it; returned without it. */
        private static String readLine(InputStream in, ByteArrayOutputStream raw) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int previous = -1;
            int b;
            while ((b = in.read()) != -1) {
                raw.write(b);
                if (previous == '\r' && b == '\n') {
                    byte[] bytes = line.toByteArray();
                    return new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
                }
                line.write(b);
                previous = b;
                if (line.size() > MAX_HEAD) {
                    throw new IOException("a chunk line over " + MAX_HEAD + " bytes");
                }
            }
            throw new EOFException("the connection ended inside a chunked body");
        }

        private static void copy(InputStream in, ByteArrayOutputStream raw, long count) throws IOException {
            byte[] buffer = new byte[8192];
            long left = count;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new EOFException("the connection ended " + left + " bytes before the body's end");
                }
                raw.write(buffer, 0, n);
                left -= n;
            }
        }
    }
}
