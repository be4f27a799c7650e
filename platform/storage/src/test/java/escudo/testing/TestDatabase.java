package escudo.testing;

import escudo.storage.Database;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * Fresh, empty databases for tests, shipped in this module's test-jar. H2 in memory by default;
 * when the system property {@code escudo.test.jdbcUrl} names a PostgreSQL database, a new schema
 * in it, dropped again on {@link Database#close()}.
 */
public final class TestDatabase {

    public static final String URL_PROPERTY = "escudo.test.jdbcUrl";

    private TestDatabase() {
    }

    public static Database create() {
        String url = System.getProperty(URL_PROPERTY, "").trim();
        String name = "t_" + UUID.randomUUID().toString().replace("-", "");
        return url.isEmpty() ? h2(name) : inNewSchema(url, name);
    }

    /** True when the tests run against the database named by {@code escudo.test.jdbcUrl}. */
    public static boolean external() {
        return !System.getProperty(URL_PROPERTY, "").isBlank();
    }

    /**
     * Every value of every table of {@code db}'s schema as text, one line per row, for tests that
     * must prove a party never stored a secret it should not know.
     */
    public static String dump(Database db) {
        StringBuilder out = new StringBuilder();
        try (Connection connection = db.dataSource().getConnection()) {
            java.util.List<String> tables = new java.util.ArrayList<>();
            try (java.sql.ResultSet rs = connection.getMetaData().getTables(null, connection.getSchema(), "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME"));
                }
            }
            if (tables.isEmpty()) {
                throw new IllegalStateException("no tables in schema " + connection.getSchema());
            }
            for (String table : tables) {
                try (Statement statement = connection.createStatement();
                     java.sql.ResultSet rows = statement.executeQuery("SELECT * FROM \"" + table + "\"")) {
                    int columns = rows.getMetaData().getColumnCount();
                    while (rows.next()) {
                        out.append(table).append(':');
                        for (int i = 1; i <= columns; i++) {
                            out.append(' ').append(rows.getString(i));
                        }
                        out.append('\n');
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot dump the test database", e);
        }
        return out.toString();
    }

    private static Database h2(String name) {
        // DB_CLOSE_DELAY=-1 keeps the database alive while the pool churns connections; the
        // SHUTDOWN after the pool closes frees its memory.
        String url = "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1";
        return Database.open(url, "sa", "", () -> execute(url, "sa", "", "SHUTDOWN"));
    }

    private static Database inNewSchema(String url, String schema) {
        execute(url, null, null, "CREATE SCHEMA " + schema);
        String schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        try {
            return Database.open(schemaUrl, null, null, () -> execute(url, null, null, "DROP SCHEMA " + schema + " CASCADE"));
        } catch (RuntimeException e) {
            execute(url, null, null, "DROP SCHEMA " + schema + " CASCADE");
            throw e;
        }
    }

    private static void execute(String url, String user, String password, String sql) {
        try (Connection connection = user == null ? DriverManager.getConnection(url) : DriverManager.getConnection(url, user, password);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("test database: " + sql + " failed", e);
        }
    }
}
