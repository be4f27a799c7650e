package escudo.s4.terminal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import escudo.core.Bytes;
import escudo.core.EscudoException;
import escudo.http.Json;
import escudo.http.Problem;
import escudo.s4.session.Envelope;
import escudo.s4.session.Phase;
import escudo.s4.session.ReplyTree;
import escudo.s4.session.SessionApi;
import escudo.s4.session.SessionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A member's terminal as a hop of a path to the provider (claims 38-47), reached over HTTP at
 * {@link #uri()} with the provider's own message body. A <b>router</b> passes each message on as
 * it came and the reply back as it came: it reads nothing and can change nothing unnoticed. A
 * <b>participant</b> waits for the messages of all its children (one in series, several X(j,k) in a
 * hierarchy), combines them with its member's own part and signs exactly that, then splits the
 * provider's combined reply: its own part for its member, each child's tree back to that child.
 */
public final class Hop implements AutoCloseable {

    /** How long a participant waits for its other children, and a child for the reply. */
    static final long WAIT_SECONDS = 30;
    public static final String PATH = "/s4/messages";

    private final HttpServer server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final URI next;
    private final Member member;
    private final int children;
    private final List<Waiting> waiting = new ArrayList<>();

    private record Waiting(Envelope envelope, CompletableFuture<ReplyTree> reply) {
    }

    private int ended;

    private Hop(URI next, Member member, int children, int port) {
        this.next = next;
        this.member = member;
        this.children = children;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(threads);
        server.createContext(PATH, this::serve);
        server.start();
    }

    /** A router to {@code next}, the next hop or the provider's messages URL, on a free port of 127.0.0.1. */
    public static Hop router(URI next) {
        return router(next, 0);
    }

    /** A router on {@code port} of 127.0.0.1 (0: any free one). */
    public static Hop router(URI next, int port) {
        return new Hop(next, null, 1, port);
    }

    /** {@code member} as a participant that combines the messages of {@code children} members before it. */
    public static Hop participant(Member member, int children, URI next) {
        return participant(member, children, next, 0);
    }

    /** A participant on {@code port} of 127.0.0.1 (0: any free one). */
    public static Hop participant(Member member, int children, URI next, int port) {
        if (children < 1) {
            throw new IllegalArgumentException("a participant combines the messages of at least one member before it");
        }
        return new Hop(next, member, children, port);
    }

    /** Waits until {@code sessions} sessions have ended through this hop (their acknowledgements answered). */
    public void awaitEnded(int sessions) throws InterruptedException {
        synchronized (waiting) {
            while (ended < sessions) {
                waiting.wait();
            }
        }
    }

    private void countIfEnded(Envelope envelope) {
        if (envelope.parts().getFirst().phase() == Phase.ACKNOWLEDGEMENT) {
            synchronized (waiting) {
                ended++;
                waiting.notifyAll();
            }
        }
    }

    /** Where the members before this hop send their messages. */
    public URI uri() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + PATH);
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            byte[] answer;
            int status = 200;
            String type = "application/json";
            try {
                if (!exchange.getRequestMethod().equals("POST")) {
                    throw new EscudoException(Problem.METHOD_NOT_ALLOWED, "a hop takes POST");
                }
                byte[] body = in.readNBytes(1 << 20);
                Envelope envelope = Envelope.decode(Json.read(body, SessionApi.Message.class).message().toByteArray());
                ReplyTree reply = member == null ? Member.post(next, envelope) : combine(envelope);
                if (member == null) {
                    countIfEnded(envelope);
                }
                answer = Json.write(new SessionApi.Reply(Bytes.of(reply.encode())));
            } catch (EscudoException e) {
                status = Problem.status(e.kind());
                type = Problem.MEDIA_TYPE;
                answer = Json.write(Problem.of(e, PATH));
            } catch (RuntimeException e) {
                status = 500;
                type = Problem.MEDIA_TYPE;
                answer = Json.write(Problem.of(500, Problem.INTERNAL, "the hop failed", PATH));
            }
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
        }
    }

    /** Waits for every child's message of this phase; the last to arrive sends the combination on, and each child gets its tree. */
    private ReplyTree combine(Envelope envelope) {
        CompletableFuture<ReplyTree> mine = new CompletableFuture<>();
        List<Waiting> round = null;
        synchronized (waiting) {
            waiting.add(new Waiting(envelope, mine));
            if (waiting.size() == children) {
                round = List.copyOf(waiting);
                waiting.clear();
            }
        }
        if (round != null) {
            forward(round);
        }
        try {
            return mine.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof EscudoException refusal ? refusal : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            synchronized (waiting) {
                waiting.removeIf(w -> w.reply() == mine);
            }
            throw new SessionException(SessionException.INCOMPLETE, "the other members before this hop did not send their messages in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SessionException(SessionException.HOP_UNREACHABLE, "interrupted while waiting");
        }
    }

    private void forward(List<Waiting> round) {
        try {
            List<Envelope> messages = round.stream().map(Waiting::envelope).toList();
            Phase phase = messages.getFirst().parts().getFirst().phase();
            if (messages.stream().flatMap(m -> m.parts().stream()).anyMatch(p -> p.phase() != phase)) {
                throw new SessionException(SessionException.INCOMPLETE, "the members before this hop sent messages of different phases");
            }
            ReplyTree reply = Member.post(next, Envelope.combine(messages, member.own(phase), member.card()));
            reply.verify(member.provider().signing(), round.size());
            member.accept(phase, reply.own());
            for (int i = 0; i < round.size(); i++) {
                round.get(i).reply().complete(reply.children().get(i));
            }
            countIfEnded(messages.getFirst());
        } catch (RuntimeException e) {
            round.forEach(w -> w.reply().completeExceptionally(e));
        }
    }

    /** Stops taking messages, and lets the answers under way reach the members before it (up to 5 s). */
    @Override
    public void close() {
        server.stop(5);
        threads.close();
    }
}
