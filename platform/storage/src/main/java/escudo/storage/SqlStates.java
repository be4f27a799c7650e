package escudo.storage;

import java.sql.SQLException;
import java.util.Set;

/** The SQLStates this module reacts to, for PostgreSQL and H2. */
final class SqlStates {

    /**
     * Failures after which running the whole transaction again can succeed: serialization
     * failure and deadlock (PostgreSQL 40001/40P01, H2 reports deadlocks as 40001), H2's
     * "concurrent update" (90131) and lock timeout (HYT00), its way of ending an undetected wait.
     */
    private static final Set<String> TRANSIENT = Set.of("40001", "40P01", "90131", "HYT00");

    private SqlStates() {
    }

    static boolean isUniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    static boolean isTransient(SQLException e) {
        return e.getSQLState() != null && TRANSIENT.contains(e.getSQLState());
    }

    /** Whether {@code t} or any of its causes is a transient SQL failure. */
    static boolean isTransient(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException sql && isTransient(sql)) {
                return true;
            }
        }
        return false;
    }
}
