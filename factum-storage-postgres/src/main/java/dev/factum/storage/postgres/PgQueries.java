package dev.factum.storage.postgres;

import dev.factum.api.DataCorruptedException;
import dev.factum.api.RecordedEvent;
import dev.factum.engine.spi.StoreRecord;
import dev.factum.engine.spi.StreamHead;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The point lookups shared by readers and the commit session, on any connection. */
final class PgQueries {
  private PgQueries() {}

  static StreamHead loadHead(Connection connection, String stream) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT " + EventRows.HEAD_COLUMNS + " FROM factum_streams WHERE stream = ?")) {
      select.setString(1, stream);
      try (ResultSet rs = select.executeQuery()) {
        return rs.next() ? EventRows.head(rs) : null;
      }
    }
  }

  /**
   * The position of the event with this id, stored or removed by scavenging (a removed event keeps
   * its id, as on every storage, so a retry of its append is still recognised), or -1.
   */
  static long findPosition(Connection connection, UUID eventId) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT position FROM factum_events WHERE event_id = ? UNION ALL"
                + " SELECT position FROM factum_removed WHERE event_id = ?")) {
      select.setObject(1, eventId);
      select.setObject(2, eventId);
      try (ResultSet rs = select.executeQuery()) {
        return rs.next() ? rs.getLong(1) : -1;
      }
    }
  }

  static RecordedEvent readEvent(Connection connection, long position) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT " + EventRows.COLUMNS + " FROM factum_events WHERE position = ?")) {
      select.setLong(1, position);
      List<RecordedEvent> events = EventRows.events(select);
      if (events.isEmpty()) {
        throw new DataCorruptedException(
            "no event at position " + position + ", which an index points to");
      }
      return events.getFirst();
    }
  }

  static StoreRecord readRecord(Connection connection, String namespace, String key)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT namespace, key, version, value FROM factum_records"
                + " WHERE namespace = ? AND key = ?")) {
      select.setString(1, namespace);
      select.setString(2, key);
      List<StoreRecord> found = records(select);
      return found.isEmpty() ? null : found.getFirst();
    }
  }

  /** A namespace's records in key order (byte order of the UTF-8 keys, as in every storage). */
  static List<StoreRecord> readRecords(Connection connection, String namespace)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT namespace, key, version, value FROM factum_records WHERE namespace = ?"
                + " ORDER BY key COLLATE \"C\"")) {
      select.setString(1, namespace);
      return records(select);
    }
  }

  private static List<StoreRecord> records(PreparedStatement select) throws SQLException {
    List<StoreRecord> found = new ArrayList<>();
    try (ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        found.add(new StoreRecord(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getBytes(4)));
      }
    }
    return found;
  }

  static long lastPosition(Connection connection) throws SQLException {
    try (PreparedStatement select =
            connection.prepareStatement("SELECT last_position FROM factum_log");
        ResultSet rs = select.executeQuery()) {
      if (!rs.next()) {
        throw new DataCorruptedException("the factum_log row is missing");
      }
      return rs.getLong(1);
    }
  }
}
