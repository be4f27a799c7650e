package escudo.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One open transaction, handed to the work given to {@link Database#inTransaction}. Every module
 * writes through it, so a ledger transfer and, say, the issuer's own rows commit or roll back
 * together. Valid only inside that work; the helpers wrap {@link SQLException} into
 * {@link StorageException}. Arguments are bound with {@code setObject}, except that an
 * {@link Instant} is bound as a UTC {@link OffsetDateTime}, which both drivers accept for
 * {@code TIMESTAMP WITH TIME ZONE}.
 */
public final class Tx {

    /** How many random ids {@link #insertWithFreshId} draws before it gives up. */
    public static final int FRESH_ID_ATTEMPTS = 5;

    private final Connection connection;
    private final boolean postgres;

    Tx(Connection connection, boolean postgres) {
        this.connection = connection;
        this.postgres = postgres;
    }

    /** The transaction's connection, for what the helpers do not cover. Do not commit or close it. */
    public Connection connection() {
        return connection;
    }

    public boolean isPostgres() {
        return postgres;
    }

    /** Runs an INSERT, UPDATE or DELETE and returns the number of rows it touched. */
    public int update(String sql, Object... args) {
        try (PreparedStatement statement = prepare(sql, args)) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw StorageException.of(e);
        }
    }

    /**
     * Runs an INSERT and returns false, instead of failing, when it would duplicate a unique key.
     * The transaction stays usable either way: the insert runs under a savepoint because
     * PostgreSQL otherwise refuses every further statement of a transaction after an error.
     */
    public boolean tryInsert(String sql, Object... args) {
        try {
            Savepoint savepoint = connection.setSavepoint();
            try (PreparedStatement statement = prepare(sql, args)) {
                statement.executeUpdate();
            } catch (SQLException e) {
                if (SqlStates.isUniqueViolation(e)) {
                    connection.rollback(savepoint);
                    return false;
                }
                throw e;
            }
            connection.releaseSavepoint(savepoint);
            return true;
        } catch (SQLException e) {
            throw StorageException.of(e);
        }
    }

    /**
     * Inserts a row under a freshly drawn random id: draws a candidate, lets {@code insert} try it
     * ({@code insert} answers {@link #tryInsert}'s result: false when the id is taken) and draws
     * again, at most {@value #FRESH_ID_ATTEMPTS} times. Returns the candidate that went in. The
     * ids are wide enough that this many collisions in a row mean the random source is broken:
     * then {@code storage.no-fresh-id} (INTERNAL). A candidate may be more than the id (a signed
     * certificate that carries it, say), so the caller keeps what it built around the id.
     */
    public <T> T insertWithFreshId(Supplier<T> candidates, Predicate<T> insert, String what) {
        for (int attempt = 0; attempt < FRESH_ID_ATTEMPTS; attempt++) {
            T candidate = candidates.get();
            if (insert.test(candidate)) {
                return candidate;
            }
        }
        throw new StorageException(StorageException.NO_FRESH_ID,
                "no free " + what + " after " + FRESH_ID_ATTEMPTS + " random draws", null);
    }

    /**
     * Runs {@code work} under a savepoint: if it throws, everything it wrote is undone and the
     * transaction stays usable (PostgreSQL otherwise refuses every later statement after an error).
     */
    public <T> T atomically(Supplier<T> work) {
        Savepoint savepoint;
        try {
            savepoint = connection.setSavepoint();
        } catch (SQLException e) {
            throw StorageException.of(e);
        }
        T result;
        try {
            result = work.get();
        } catch (RuntimeException e) {
            try {
                connection.rollback(savepoint);
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        }
        try {
            connection.releaseSavepoint(savepoint);
        } catch (SQLException e) {
            throw StorageException.of(e);
        }
        return result;
    }

    /** Runs a query that yields at most one row. */
    public <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... args) {
        List<T> rows = query(sql, mapper, args);
        if (rows.size() > 1) {
            throw new StorageException(StorageException.FAILURE,
                    "expected at most one row but got " + rows.size() + " from: " + sql, null);
        }
        return rows.stream().findFirst();
    }

    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... args) {
        try (PreparedStatement statement = prepare(sql, args); ResultSet rows = statement.executeQuery()) {
            List<T> result = new ArrayList<>();
            while (rows.next()) {
                result.add(mapper.map(rows));
            }
            return result;
        } catch (SQLException e) {
            throw StorageException.of(e);
        }
    }

    /** Reads a {@code TIMESTAMP WITH TIME ZONE} column; null stays null. */
    public static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private PreparedStatement prepare(String sql, Object... args) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < args.length; i++) {
                Object arg = args[i] instanceof Instant instant ? instant.atOffset(ZoneOffset.UTC) : args[i];
                statement.setObject(i + 1, arg);
            }
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }
}
