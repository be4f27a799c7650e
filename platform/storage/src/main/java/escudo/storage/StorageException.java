package escudo.storage;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import java.sql.SQLException;
import java.util.Optional;

/** A failure of the database itself. Messages never carry credentials. */
public final class StorageException extends EscudoException {

    /** A unique key already exists. */
    public static final ErrorCode DUPLICATE = ErrorCode.declare("storage.duplicate", Kind.CONFLICT);
    /** The transaction kept losing to concurrent ones. */
    public static final ErrorCode CONTENTION = ErrorCode.declare("storage.contention", Kind.INTERNAL);
    /** The database cannot be reached. */
    public static final ErrorCode UNAVAILABLE = ErrorCode.declare("storage.unavailable", Kind.INTERNAL);
    /** A module's schema migration failed. */
    public static final ErrorCode MIGRATION_FAILED = ErrorCode.declare("storage.migration-failed", Kind.INTERNAL);
    /** No random id drawn was free ({@link Tx#insertWithFreshId}): the random source is broken. */
    public static final ErrorCode NO_FRESH_ID = ErrorCode.declare("storage.no-fresh-id", Kind.INTERNAL);
    /** Anything else. */
    public static final ErrorCode FAILURE = ErrorCode.declare("storage.failure", Kind.INTERNAL);

    private final String sqlState;

    public StorageException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
        this.sqlState = cause instanceof SQLException sql ? sql.getSQLState() : null;
    }

    /** Classifies a driver exception by its SQLState, which H2 and PostgreSQL share for these cases. */
    static StorageException of(SQLException e) {
        String state = e.getSQLState();
        String message = "database failure (SQLState " + state + "): " + e.getMessage();
        if (SqlStates.isUniqueViolation(e)) {
            return new StorageException(DUPLICATE, message, e);
        }
        if (SqlStates.isTransient(e)) {
            return new StorageException(CONTENTION, message, e);
        }
        return new StorageException(FAILURE, message, e);
    }

    /** The SQLState of the underlying driver exception, when there is one. */
    public Optional<String> sqlState() {
        return Optional.ofNullable(sqlState);
    }
}
