package dev.factum.storage.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * After scavenging: {@code VACUUM (ANALYZE)} of the tables removals delete from, and how many bytes
 * they shrank by ({@code pg_total_relation_size}: heap, indexes and TOAST, before and after).
 *
 * <p>Design note: a plain VACUUM runs beside reads and commits (its lock blocks neither; cutting
 * empty pages off a table's end takes a short exclusive lock, which it gives up when others wait).
 * A role that does not own the tables gets a warning and nothing vacuumed (autovacuum still comes).
 * It marks the deleted rows' space free in each table's free space map, where the next appends
 * reuse it, and gives back to the file system only the empty pages at the end of a table; indexes
 * keep their emptied pages for reuse too. So the figure it reports is what went back to the OS,
 * often far less than what was freed: a table only shrinks on disk when rewritten, by {@code VACUUM
 * FULL} (under an exclusive lock: offline) or pg_repack (online), an operator's choice
 * (docs/OPERATIONS.md). {@code factum_removed} is counted too, since removals grow it.
 */
final class PgSpace {
  private static final List<String> TABLES =
      List.of("factum_events", "factum_event_tags", "factum_removed");

  private PgSpace() {}

  /** Runs on a connection in auto-commit mode (VACUUM cannot run inside a transaction block). */
  static long vacuum(Connection connection) throws SQLException {
    long before = totalBytes(connection);
    try (Statement statement = connection.createStatement()) {
      statement.execute("VACUUM (ANALYZE) " + String.join(", ", TABLES));
    }
    return before - totalBytes(connection);
  }

  /** The bytes on disk of the tables scavenging touches, with their indexes and TOAST. */
  static long totalBytes(Connection connection) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT ");
    for (int i = 0; i < TABLES.size(); i++) {
      sql.append(i > 0 ? " + " : "")
          .append("pg_total_relation_size('")
          .append(TABLES.get(i))
          .append("')");
    }
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql.toString())) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
