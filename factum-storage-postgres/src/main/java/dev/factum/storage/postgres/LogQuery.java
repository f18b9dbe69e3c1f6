package dev.factum.storage.postgres;

import dev.factum.api.Direction;
import dev.factum.api.LogFilter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The SQL of one global-log read: unfiltered reads walk the primary key; category and type feeds
 * walk their (value, position) indexes; tag feeds walk {@code factum_event_tags}. Every form is
 * bounded by position on both sides and limited, so a read costs its page, not the log.
 */
record LogQuery(String sql, LogFilter filter, boolean forward) {

  static LogQuery of(LogFilter filter, Direction direction) {
    boolean forward = direction == Direction.FORWARD;
    String range = forward ? "position >= ? AND position <= ?" : "position <= ? AND position <= ?";
    String order = " ORDER BY position " + (forward ? "ASC" : "DESC") + " LIMIT ?";
    String select = "SELECT " + EventRows.COLUMNS + " FROM factum_events WHERE ";
    String sql =
        switch (filter.kind()) {
          case NONE -> select + range + order;
          case CATEGORY -> select + "category = ANY(?) AND " + range + order;
          case TYPE -> select + "type = ANY(?) AND " + range + order;
          case TAG ->
              select
                  + "position IN (SELECT DISTINCT position FROM factum_event_tags WHERE tag ="
                  + " ANY(?) AND "
                  + range
                  + order
                  + ")"
                  + " ORDER BY position "
                  + (forward ? "ASC" : "DESC");
        };
    return new LogQuery(sql, filter, forward);
  }

  /** Binds the filter values, then (from, maxPosition, limit) in the statement's order. */
  void bind(Connection connection, PreparedStatement statement, long from, long max, int limit)
      throws SQLException {
    int index = 1;
    if (!filter.isNone()) {
      statement.setArray(index++, connection.createArrayOf("text", filter.values().toArray()));
    }
    statement.setLong(index++, from);
    statement.setLong(index++, max);
    statement.setInt(index, limit);
  }
}
