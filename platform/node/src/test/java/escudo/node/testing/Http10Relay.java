package escudo.node.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What a front proxy (nginx, say) does for clients that speak only HTTP/1.0, as openssl's OCSP and
 * CMP clients do: Helidon 4 serves HTTP/1.1 alone. Each connection carries one POST, which goes to
 * {@code upstream} over HTTP/1.1; its answer comes back as HTTP/1.0 with a length, and the
 * connection closes.
 */
public final class Http10Relay implements AutoCloseable {

    private final ServerSocket listener;
    private final URI upstream;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Thread acceptor;

    private Http10Relay(URI upstream) throws IOException {
        this.upstream = upstream;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofVirtual().name("http10-relay").start(this::accept);
    }

    public static Http10Relay to(URI upstream) {
        try {
            return new Http10Relay(upstream);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code host:port} of the relay, for a client's {@code -server} or {@code -url}. */
    public String authority() {
        return "127.0.0.1:" + listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Thread.ofVirtual().start(() -> relay(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void relay(Socket client) {
        try (client; InputStream in = client.getInputStream(); OutputStream out = client.getOutputStream()) {
            String[] head = readHead(in).split("\r\n");
            String[] requestLine = head[0].split(" ");
            String contentType = "application/octet-stream";
            int length = 0;
            for (int i = 1; i < head.length; i++) {
                String[] header = head[i].split(":", 2);
                String name = header[0].trim().toLowerCase(Locale.ROOT);
                if (name.equals("content-type")) {
                    contentType = header[1].trim();
                } else if (name.equals("content-length")) {
                    length = Integer.parseInt(header[1].trim());
                }
            }
            byte[] body = in.readNBytes(length);
            HttpResponse<byte[]> answer = http.send(HttpRequest.newBuilder(upstream.resolve(requestLine[1]))
                    .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            out.write(("HTTP/1.0 " + answer.statusCode() + " Relayed\r\nContent-Type: "
                    + answer.headers().firstValue("Content-Type").orElse("application/octet-stream")
                    + "\r\nContent-Length: " + answer.body().length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(answer.body());
        } catch (IOException | RuntimeException e) {
            // the client sees the connection close
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while (matched < 4 && (b = in.read()) >= 0) {
            head.write(b);
            matched = (b == '\r' || b == '\n') && (matched % 2 == 0) == (b == '\r') ? matched + 1 : (b == '\r' ? 1 : 0);
            if (head.size() > 16 * 1024) {
                throw new IOException("headers too long");
            }
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing
        }
        acceptor.interrupt();
        http.close();
    }
}
