package escudo.cli;

import escudo.node.http.AccessLog;
import java.io.PrintWriter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** {@code escudo serve}'s request log: each request's JSON line ({@link AccessLog}) on standard output, as a log collector reads it. */
final class RequestLog {

    /** Held strongly: java.util.logging forgets the level of a logger nobody references. */
    private static final Logger REQUESTS = Logger.getLogger(AccessLog.LOGGER);

    private RequestLog() {}

    static void to(PrintWriter out) {
        REQUESTS.setUseParentHandlers(false);
        REQUESTS.setLevel(Level.INFO);
        REQUESTS.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (isLoggable(record)) {
                    out.println(record.getMessage());
                    out.flush();
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
        });
    }
}
