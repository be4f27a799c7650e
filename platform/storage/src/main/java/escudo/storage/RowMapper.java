package escudo.storage;

import java.sql.ResultSet;
import java.sql.SQLException;

/** Turns the current row of a result set into a value; it must not move the cursor. */
@FunctionalInterface
public interface RowMapper<T> {

    T map(ResultSet row) throws SQLException;
}
