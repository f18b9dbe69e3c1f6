package dev.factum.storage.postgres;

import dev.factum.api.RecordedEvent;
import dev.factum.engine.spi.CommitBatch;
import dev.factum.engine.spi.CommitSession;
import dev.factum.engine.spi.StreamHead;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One batch's transaction: {@code SELECT ... FOR UPDATE} on the single {@code factum_log} row takes
 * the global commit lock, every lookup reads inside the same transaction, and {@link #commit}
 * writes events, tags and heads, advances the log row, queues a notification and commits.
 *
 * <p>Why this keeps positions dense and commit-ordered across servers: a second server's session
 * blocks on the row lock until the first commits, and only then reads {@code last_position}, which
 * already includes the first commit. PostgreSQL releases the row lock after the commit is durable
 * (synchronous_commit=on) and visible, so a reader's snapshot that sees position p also sees every
 * position below p. No sequence is involved, so nothing rolled back can leave a hole.
 *
 * <p>The statement order under the lock is fixed (lock, prefetch, then writes), and every row is
 * written by at most one session at a time, so sessions cannot deadlock one another.
 */
final class PgCommitSession implements CommitSession {
  private final Connection connection;
  private final long lastPosition;
  private final long generation;
  private final Instant lastTimestamp;
  private final Map<String, StreamHead> prefetchedHeads = new HashMap<>();
  private final Map<UUID, Long> prefetchedIds = new HashMap<>();
  private boolean finished;

  private PgCommitSession(
      Connection connection, long lastPosition, long generation, Instant lastTimestamp) {
    this.connection = connection;
    this.lastPosition = lastPosition;
    this.generation = generation;
    this.lastTimestamp = lastTimestamp;
  }

  /** Takes the commit lock on {@code connection} (auto-commit off) and reads the log row. */
  static PgCommitSession begin(Connection connection) throws SQLException {
    connection.setAutoCommit(false);
    try (PreparedStatement lock =
            connection.prepareStatement(
                "SELECT last_position, generation, last_timestamp_micros FROM factum_log FOR"
                    + " UPDATE");
        ResultSet rs = lock.executeQuery()) {
      if (!rs.next()) {
        throw new dev.factum.api.DataCorruptedException("the factum_log row is missing");
      }
      return new PgCommitSession(
          connection, rs.getLong(1), rs.getLong(2), EventRows.instant(rs.getLong(3)));
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    }
  }

  @Override
  public long lastPosition() {
    return lastPosition;
  }

  @Override
  public long generation() {
    return generation;
  }

  @Override
  public Instant lastTimestamp() {
    return lastTimestamp;
  }

  @Override
  public void prefetch(Collection<String> streams, Collection<UUID> eventIds) {
    try {
      if (!streams.isEmpty()) {
        try (PreparedStatement select =
            connection.prepareStatement(
                "SELECT "
                    + EventRows.HEAD_COLUMNS
                    + " FROM factum_streams WHERE stream = ANY(?)")) {
          select.setArray(1, connection.createArrayOf("text", streams.toArray()));
          try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
              prefetchedHeads.put(rs.getString(1), EventRows.head(rs));
            }
          }
        }
        for (String stream : streams) {
          prefetchedHeads.putIfAbsent(stream, null);
        }
      }
      if (!eventIds.isEmpty()) {
        try (PreparedStatement select =
            connection.prepareStatement(
                "SELECT event_id, position FROM factum_events WHERE event_id = ANY(?)")) {
          select.setArray(1, connection.createArrayOf("uuid", eventIds.toArray()));
          try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
              prefetchedIds.put(rs.getObject(1, UUID.class), rs.getLong(2));
            }
          }
        }
        for (UUID id : eventIds) {
          prefetchedIds.putIfAbsent(id, -1L);
        }
      }
    } catch (SQLException e) {
      throw PgErrors.translate("looking up stream heads and event ids", e);
    }
  }

  @Override
  public StreamHead loadHead(String stream) {
    if (prefetchedHeads.containsKey(stream)) {
      return prefetchedHeads.get(stream);
    }
    try {
      return PgQueries.loadHead(connection, stream);
    } catch (SQLException e) {
      throw PgErrors.translate("loading the head of a stream", e);
    }
  }

  @Override
  public long findPosition(UUID eventId) {
    Long known = prefetchedIds.get(eventId);
    if (known != null) {
      return known;
    }
    try {
      return PgQueries.findPosition(connection, eventId);
    } catch (SQLException e) {
      throw PgErrors.translate("looking up an event id", e);
    }
  }

  @Override
  public RecordedEvent readEvent(long position) {
    try {
      return PgQueries.readEvent(connection, position);
    } catch (SQLException e) {
      throw PgErrors.translate("reading an event", e);
    }
  }

  @Override
  public long commit(CommitBatch batch) {
    try {
      writeEvents(batch);
      writeHeads(batch);
      long newGeneration = advanceLog(batch);
      finished = true; // whatever happens now, the transaction is over
      connection.commit();
      return newGeneration;
    } catch (SQLException e) {
      throw PgErrors.translate("committing a batch", e);
    }
  }

  private void writeEvents(CommitBatch batch) throws SQLException {
    if (batch.events().isEmpty()) {
      return;
    }
    boolean anyTags = false;
    try (PreparedStatement insert = connection.prepareStatement(EventRows.INSERT_EVENT)) {
      for (RecordedEvent event : batch.events()) {
        EventRows.bindInsert(connection, insert, event);
        insert.addBatch();
        anyTags |= !event.tags().isEmpty();
      }
      insert.executeBatch();
    }
    if (anyTags) {
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO factum_event_tags (tag, position) VALUES (?, ?)")) {
        for (RecordedEvent event : batch.events()) {
          for (String tag : event.tags()) {
            insert.setString(1, tag);
            insert.setLong(2, event.position());
            insert.addBatch();
          }
        }
        insert.executeBatch();
      }
    }
  }

  private void writeHeads(CommitBatch batch) throws SQLException {
    if (batch.heads().isEmpty()) {
      return;
    }
    try (PreparedStatement upsert = connection.prepareStatement(EventRows.UPSERT_HEAD)) {
      for (Map.Entry<String, StreamHead> head : batch.heads().entrySet()) {
        EventRows.bindHead(upsert, head.getKey(), head.getValue());
        upsert.addBatch();
      }
      upsert.executeBatch();
    }
  }

  /** Advances the log row and queues the notification, delivered when the commit succeeds. */
  private long advanceLog(CommitBatch batch) throws SQLException {
    long newLast = batch.events().isEmpty() ? lastPosition : batch.events().getLast().position();
    if (!batch.events().isEmpty() && batch.events().getFirst().position() != lastPosition + 1) {
      throw new IllegalStateException(
          "a batch must continue the log at " + (lastPosition + 1) + " (a bug in the writer)");
    }
    long newTimestamp =
        batch.events().isEmpty()
            ? EventRows.micros(lastTimestamp)
            : EventRows.micros(batch.events().getLast().timestamp());
    try (PreparedStatement update =
        connection.prepareStatement(
            "WITH advanced AS (UPDATE factum_log SET last_position = ?, generation = generation +"
                + " 1, last_timestamp_micros = greatest(last_timestamp_micros, ?) RETURNING"
                + " generation, last_position) SELECT generation, pg_notify('"
                + CommitWatcher.CHANNEL
                + "', last_position::text) FROM advanced")) {
      update.setLong(1, newLast);
      update.setLong(2, newTimestamp);
      try (ResultSet rs = update.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Rolls back unless committed; the connection goes back to its pool either way. */
  @Override
  public void close() {
    try {
      if (!finished) {
        connection.rollback();
      }
    } catch (SQLException e) {
      // The connection is broken; the pool discards it. The lock died with the transaction.
    } finally {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // nothing more to release
      }
    }
  }
}
