package dev.factum.storage.postgres;

import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamState;
import dev.factum.engine.spi.StreamHead;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The mapping between Factum's records and the rows of {@code factum_events} and {@code
 * factum_streams} (see {@code migrations/V1__event_log.sql}), in one place for every reader and the
 * writer.
 */
final class EventRows {
  static final String COLUMNS =
      "position, stream, revision, event_id, recorded_micros, type, content_type, data, metadata,"
          + " tags";

  static final String HEAD_COLUMNS =
      "stream, last_revision, last_position, first_visible_revision, status";

  static final String INSERT_EVENT =
      "INSERT INTO factum_events (position, stream, revision, event_id, recorded_micros, type,"
          + " category, content_type, data, metadata, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
          + " ?)";

  static final String UPSERT_HEAD =
      "INSERT INTO factum_streams ("
          + HEAD_COLUMNS
          + ") VALUES (?, ?, ?, ?, ?) ON CONFLICT (stream) DO UPDATE SET"
          + " last_revision = EXCLUDED.last_revision, last_position = EXCLUDED.last_position,"
          + " first_visible_revision = EXCLUDED.first_visible_revision, status = EXCLUDED.status";

  private EventRows() {}

  static RecordedEvent event(ResultSet rs) throws SQLException {
    Array tags = rs.getArray(10);
    String[] tagValues = (String[]) tags.getArray();
    return new RecordedEvent(
        rs.getObject(4, UUID.class),
        rs.getString(2),
        rs.getLong(3),
        rs.getLong(1),
        instant(rs.getLong(5)),
        rs.getString(6),
        rs.getString(7),
        rs.getBytes(8),
        rs.getBytes(9),
        Set.copyOf(Arrays.asList(tagValues)));
  }

  /** Runs {@code statement} and maps every row to an event. */
  static List<RecordedEvent> events(PreparedStatement statement) throws SQLException {
    List<RecordedEvent> events = new ArrayList<>();
    try (ResultSet rs = statement.executeQuery()) {
      while (rs.next()) {
        events.add(event(rs));
      }
    }
    return events;
  }

  /** Sets the parameters of {@link #INSERT_EVENT} for {@code event}. */
  static void bindInsert(Connection connection, PreparedStatement insert, RecordedEvent event)
      throws SQLException {
    insert.setLong(1, event.position());
    insert.setString(2, event.stream());
    insert.setLong(3, event.revision());
    insert.setObject(4, event.id());
    insert.setLong(5, micros(event.timestamp()));
    insert.setString(6, event.type());
    insert.setString(7, event.category());
    insert.setString(8, event.contentType());
    insert.setBytes(9, event.data());
    insert.setBytes(10, event.metadata());
    insert.setArray(11, connection.createArrayOf("text", event.tags().toArray(new String[0])));
  }

  static StreamHead head(ResultSet rs) throws SQLException {
    return new StreamHead(rs.getLong(2), rs.getLong(3), rs.getLong(4), status(rs.getShort(5)));
  }

  static void bindHead(PreparedStatement upsert, String stream, StreamHead head)
      throws SQLException {
    upsert.setString(1, stream);
    upsert.setLong(2, head.lastRevision());
    upsert.setLong(3, head.lastPosition());
    upsert.setLong(4, head.firstVisibleRevision());
    upsert.setShort(5, code(head.status()));
  }

  static short code(StreamState.Status status) {
    return switch (status) {
      case ACTIVE -> 1;
      case DELETED -> 2;
      case TOMBSTONED -> 3;
      case NONE -> throw new IllegalArgumentException("a NONE head is never stored");
    };
  }

  static StreamState.Status status(short code) {
    return switch (code) {
      case 1 -> StreamState.Status.ACTIVE;
      case 2 -> StreamState.Status.DELETED;
      case 3 -> StreamState.Status.TOMBSTONED;
      default ->
          throw new dev.factum.api.DataCorruptedException(
              "factum_streams holds an unknown status " + code);
    };
  }

  static long micros(Instant instant) {
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
  }

  static Instant instant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }
}
