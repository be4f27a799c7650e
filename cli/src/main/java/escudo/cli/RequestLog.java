package escudo.cli;

import escudo.node.http.AccessLog;
import java.io.PrintWriter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Where the parties' request log goes ({@link AccessLog}: one JSON line per request): standard
 * output for {@code escudo serve}, as a log collector reads it; a file in its data directory for
 * {@code escudo demo}. Set up once the servers started, since Helidon reads the logging
 * configuration afresh when the first one does.
 */
final class RequestLog implements AutoCloseable {

    /** Held strongly: java.util.logging forgets the level of a logger nobody references. */
    private static final Logger REQUESTS = Logger.getLogger(AccessLog.LOGGER);

    private final Handler handler;

    private RequestLog(Handler handler) {
        this.handler = handler;
    }

    /** Writes every request's line to {@code out}, until closed. */
    static RequestLog to(PrintWriter out) {
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (isLoggable(record)) {
                    synchronized (out) {
                        out.println(record.getMessage());
                        out.flush();
                    }
                }
            }

            @Override
            public void flush() {
                out.flush();
            }

            @Override
            public void close() {
                out.flush();
            }
        };
        REQUESTS.setUseParentHandlers(false);
        REQUESTS.setLevel(Level.INFO);
        REQUESTS.addHandler(handler);
        return new RequestLog(handler);
    }

    @Override
    public void close() {
        REQUESTS.removeHandler(handler);
    }
}
