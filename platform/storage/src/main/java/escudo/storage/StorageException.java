package escudo.storage;

import escudo.core.EscudoException;
import java.sql.SQLException;
import java.util.Optional;

/**
 * A failure of the database itself. The codes a caller may branch on:
 * {@code storage.duplicate} (a unique key already exists), {@code storage.contention} (the
 * transaction kept losing to concurrent ones), {@code storage.unavailable} (cannot connect),
 * {@code storage.no-fresh-id} (no random id drawn was free: {@link Tx#insertWithFreshId}),
 * {@code storage.failure} (anything else). Messages never carry credentials.
 */
public final class StorageException extends EscudoException {

    public static final String NO_FRESH_ID = "storage.no-fresh-id";

    private final String sqlState;

    public StorageException(Kind kind, String code, String message, Throwable cause) {
        super(kind, code, message, cause);
        this.sqlState = cause instanceof SQLException sql ? sql.getSQLState() : null;
    }

    /** Classifies a driver exception by its SQLState, which H2 and PostgreSQL share for these cases. */
    static StorageException of(SQLException e) {
        String state = e.getSQLState();
        String message = "database failure (SQLState " + state + "): " + e.getMessage();
        if (SqlStates.isUniqueViolation(e)) {
            return new StorageException(Kind.CONFLICT, "storage.duplicate", message, e);
        }
        if (SqlStates.isTransient(e)) {
            return new StorageException(Kind.INTERNAL, "storage.contention", message, e);
        }
        return new StorageException(Kind.INTERNAL, "storage.failure", message, e);
    }

    /** The SQLState of the underlying driver exception, when there is one. */
    public Optional<String> sqlState() {
        return Optional.ofNullable(sqlState);
    }
}
