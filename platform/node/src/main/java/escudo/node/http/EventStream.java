package escudo.node.http;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * An answer that stays open and sends server-sent events ({@code text/event-stream}, as the HTML
 * standard defines them): {@link Routes} hands the producer a {@link Sink} and closes the stream
 * when the producer returns. The producer runs on the request's virtual thread for as long as it
 * likes, so it bounds itself (a stream per client, an hour at most, say).
 */
public record EventStream(Consumer<Sink> producer) {

    public EventStream {
        Objects.requireNonNull(producer, "producer");
    }

    /** Where the producer writes. Both methods answer false once the client has gone, and the producer should return. */
    public interface Sink {

        /** One event: its name and one line of data (no line breaks). */
        boolean send(String event, String data);

        /** A comment line, so that the client and the proxies between see the stream is alive. */
        boolean keepAlive();
    }
}
