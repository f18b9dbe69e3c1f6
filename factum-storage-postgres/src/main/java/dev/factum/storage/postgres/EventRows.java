package dev.factum.storage.postgres;

import dev.factum.api.DataCorruptedException;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamState;
import dev.factum.engine.spi.StreamHead;
import java.sql.Array;
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

  static StreamHead head(ResultSet rs) throws SQLException {
    return new StreamHead(rs.getLong(2), rs.getLong(3), rs.getLong(4), status(rs.getShort(5)));
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
      default -> throw new DataCorruptedException("factum_streams holds an unknown status " + code);
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
