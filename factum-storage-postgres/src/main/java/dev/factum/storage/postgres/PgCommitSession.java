package dev.factum.storage.postgres;

import dev.factum.api.DataCorruptedException;
import dev.factum.api.Direction;
import dev.factum.api.LogFilter;
import dev.factum.api.Query;
import dev.factum.api.RecordedEvent;
import dev.factum.engine.spi.CommitBatch;
import dev.factum.engine.spi.CommitSession;
import dev.factum.engine.spi.HashChain;
import dev.factum.engine.spi.RecordKey;
import dev.factum.engine.spi.RemovedEvent;
import dev.factum.engine.spi.StoreRecord;
import dev.factum.engine.spi.StreamHead;
import java.nio.ByteBuffer;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One batch's transaction: {@code SELECT ... FOR UPDATE} on the single {@code factum_log} row takes
 * the global commit lock, every lookup reads inside the same transaction, and {@link #commit}
 * writes events, tags and heads, advances the log row, queues a notification and commits. A batch's
 * removals (scavenging, {@link PgRemovals}) are written in the same transaction, before its events.
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
  private static final String BEGIN =
      "SELECT last_position, generation, last_timestamp_micros, chain_head FROM factum_log FOR"
          + " UPDATE;"
          + " SELECT "
          + EventRows.HEAD_COLUMNS
          + " FROM factum_streams WHERE stream = ANY(?);"
          + " SELECT event_id, position FROM factum_events WHERE event_id = ANY(?) UNION ALL"
          + " SELECT event_id, position FROM factum_removed WHERE event_id = ANY(?)";

  /**
   * The whole batch in one statement: events, their tags, the stream heads, the log row and the
   * notification, each from arrays holding one element per row (tags travel as one JSON array text
   * per event, as SQL arrays cannot nest).
   */
  private static final String WRITE =
      "WITH input AS (SELECT * FROM unnest(?::bigint[], ?::text[], ?::bigint[], ?::uuid[],"
          + " ?::bigint[], ?::text[], ?::text[], ?::text[], ?::bytea[], ?::bytea[], ?::text[]) AS"
          + " u(position, stream, revision, event_id, recorded_micros, type, category,"
          + " content_type, data, metadata, tags)),"
          + " events AS (INSERT INTO factum_events (position, stream, revision, event_id,"
          + " recorded_micros, type, category, content_type, data, metadata, tags) SELECT"
          + " position, stream, revision, event_id, recorded_micros, type, category,"
          + " content_type, data, metadata, CASE WHEN tags = '[]' THEN '{}'::text[] ELSE"
          + " ARRAY(SELECT jsonb_array_elements_text(tags::jsonb)) END"
          + " FROM input),"
          + " tags AS (INSERT INTO factum_event_tags (tag, position) SELECT"
          + " jsonb_array_elements_text(tags::jsonb), position FROM input WHERE tags <> '[]'),"
          + " heads AS (INSERT INTO factum_streams ("
          + EventRows.HEAD_COLUMNS
          + ") SELECT * FROM unnest(?::text[], ?::bigint[], ?::bigint[], ?::bigint[],"
          + " ?::smallint[]) ON CONFLICT (stream) DO UPDATE SET last_revision ="
          + " EXCLUDED.last_revision, last_position = EXCLUDED.last_position,"
          + " first_visible_revision = EXCLUDED.first_visible_revision, status ="
          + " EXCLUDED.status),"
          + " advanced AS (UPDATE factum_log SET last_position = ?, generation = generation + 1,"
          + " last_timestamp_micros = greatest(last_timestamp_micros, ?), chain_head ="
          + " coalesce(?::bytea, chain_head) RETURNING generation, last_position),"
          + " chained AS (INSERT INTO factum_chain (last_position, first_position, chain, digests)"
          + " SELECT * FROM (VALUES (?::bigint, ?::bigint, ?::bytea, ?::bytea)) AS"
          + " c(last_position, first_position, chain, digests) WHERE c.chain IS NOT NULL)"
          + " SELECT generation, pg_notify("
          + CommitWatcher.CHANNEL_SQL
          + ", last_position::text) FROM advanced";

  /** Deletes go first, so a key deleted and written anew in one batch starts again at 1. */
  private static final String DELETE_RECORDS =
      "DELETE FROM factum_records r USING unnest(?::text[], ?::text[]) AS d(namespace, key)"
          + " WHERE r.namespace = d.namespace AND r.key = d.key";

  /**
   * A put lands only above the stored version (or as a new row): the engine checked versions under
   * the lock already, and this makes the database refuse a batch that breaks the rule. Above, not
   * exactly + 1: two writes of one key in one batch (e.g. a scavenging run's last progress write
   * and the next run's first, both queued at once) commit as the second, two versions on.
   */
  private static final String PUT_RECORDS =
      "INSERT INTO factum_records (namespace, key, version, value) SELECT * FROM"
          + " unnest(?::text[], ?::text[], ?::bigint[], ?::bytea[]) ON CONFLICT (namespace, key)"
          + " DO UPDATE SET version = EXCLUDED.version, value = EXCLUDED.value"
          + " WHERE factum_records.version < EXCLUDED.version";

  private final Connection connection;
  private final long lastPosition;
  private final long generation;
  private final Instant lastTimestamp;
  private final byte[] chainHead;
  private final HashChain hashes;
  private final Map<String, StreamHead> prefetchedHeads = new HashMap<>();
  private final Map<UUID, Long> prefetchedIds = new HashMap<>();
  private boolean finished;

  private PgCommitSession(
      Connection connection,
      long lastPosition,
      long generation,
      Instant lastTimestamp,
      byte[] chainHead,
      HashChain hashes) {
    this.connection = connection;
    this.chainHead = chainHead;
    this.hashes = hashes;
    this.lastPosition = lastPosition;
    this.generation = generation;
    this.lastTimestamp = lastTimestamp;
  }

  /**
   * Takes the commit lock on {@code connection} (auto-commit off), then reads the log row, the
   * heads of {@code streams} and the positions of {@code eventIds}: three statements sent in one
   * round trip. Each statement takes its own snapshot (READ COMMITTED), so the two lookups run
   * after the lock is held and see every commit before it.
   */
  static PgCommitSession begin(
      Connection connection,
      Collection<String> streams,
      Collection<UUID> eventIds,
      HashChain hashes)
      throws SQLException {
    connection.setAutoCommit(false);
    try (PreparedStatement begin = connection.prepareStatement(BEGIN)) {
      begin.setArray(1, connection.createArrayOf("text", streams.toArray()));
      Array ids = connection.createArrayOf("uuid", eventIds.toArray());
      begin.setArray(2, ids);
      begin.setArray(3, ids);
      begin.execute();
      PgCommitSession session;
      try (ResultSet rs = begin.getResultSet()) {
        if (!rs.next()) {
          throw new DataCorruptedException("the factum_log row is missing");
        }
        session =
            new PgCommitSession(
                connection,
                rs.getLong(1),
                rs.getLong(2),
                EventRows.instant(rs.getLong(3)),
                rs.getBytes(4),
                hashes);
      }
      begin.getMoreResults();
      try (ResultSet rs = begin.getResultSet()) {
        while (rs.next()) {
          session.prefetchedHeads.put(rs.getString(1), EventRows.head(rs));
        }
      }
      for (String stream : streams) {
        session.prefetchedHeads.putIfAbsent(stream, null);
      }
      begin.getMoreResults();
      try (ResultSet rs = begin.getResultSet()) {
        while (rs.next()) {
          session.prefetchedIds.put(rs.getObject(1, UUID.class), rs.getLong(2));
        }
      }
      for (UUID id : eventIds) {
        session.prefetchedIds.putIfAbsent(id, -1L);
      }
      return session;
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

  /**
   * Runs on this session's connection, inside the transaction holding the commit lock: it sees
   * every commit of every server before the lock was taken, and none can commit until this one
   * ends, so an append condition checked here is exact across servers.
   */
  @Override
  public long firstMatch(Query query, long after, long maxPosition) {
    LogQuery select = LogQuery.of(LogFilter.query(query), Direction.FORWARD);
    try (PreparedStatement statement = connection.prepareStatement(select.sql())) {
      select.bind(connection, statement, after + 1, maxPosition, 1);
      List<RecordedEvent> first = EventRows.events(statement);
      return first.isEmpty() ? -1 : first.getFirst().position();
    } catch (SQLException e) {
      throw PgErrors.translate("checking an append condition", e);
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
  public RemovedEvent removedAt(long position) {
    try {
      return PgRemovals.removedAt(connection, position);
    } catch (SQLException e) {
      throw PgErrors.translate("reading a removal marker", e);
    }
  }

  @Override
  public StoreRecord readRecord(String namespace, String key) {
    try {
      return PgQueries.readRecord(connection, namespace, key);
    } catch (SQLException e) {
      throw PgErrors.translate("reading a store record", e);
    }
  }

  @Override
  public long commit(CommitBatch batch) {
    if (!batch.events().isEmpty() && batch.events().getFirst().position() != lastPosition + 1) {
      throw new IllegalStateException(
          "a batch must continue the log at " + (lastPosition + 1) + " (a bug in the writer)");
    }
    try {
      writeRecords(batch);
    } catch (SQLException e) {
      throw PgErrors.translate("writing store records", e);
    }
    try {
      PgRemovals.remove(connection, batch.removals());
    } catch (SQLException e) {
      throw PgErrors.translate("removing scavenged events", e);
    }
    // The write and COMMIT go in one round trip. If the write fails, PostgreSQL skips the COMMIT
    // (an error discards the rest of the pipeline) and close() rolls back; once COMMIT was sent,
    // the transaction is over either way, and a failure leaves its outcome unknown.
    try (PreparedStatement write = connection.prepareStatement(WRITE + "; COMMIT")) {
      int next = BatchArrays.bind(connection, write, batch, lastPosition, lastTimestamp);
      bindChain(write, next, batch);
      long newGeneration;
      boolean wrote = false;
      try {
        write.execute();
        try (ResultSet rs = write.getResultSet()) {
          rs.next();
          newGeneration = rs.getLong(1);
        }
        wrote = true;
        write.getMoreResults(); // the COMMIT's outcome was already checked by execute()
      } finally {
        finished = wrote;
      }
      return newGeneration;
    } catch (SQLException e) {
      throw PgErrors.translate("committing a batch", e);
    }
  }

  /**
   * The chain head after the batch (on the locked log row) and its chain record, both null for a
   * batch without events: digests of the canonical row encodings ({@link PgEventDigest}) folded
   * into the head this transaction read under the lock, so every server continues one chain.
   */
  private void bindChain(PreparedStatement write, int p, CommitBatch batch) throws SQLException {
    List<RecordedEvent> events = batch.events();
    if (events.isEmpty()) {
      write.setNull(p, Types.BINARY);
      write.setNull(p + 1, Types.BIGINT);
      write.setNull(p + 2, Types.BIGINT);
      write.setNull(p + 3, Types.BINARY);
      write.setNull(p + 4, Types.BINARY);
      return;
    }
    if (chainHead == null || chainHead.length != HashChain.HASH_BYTES) {
      throw new DataCorruptedException("the chain head on the factum_log row is damaged");
    }
    byte[] value = chainHead;
    ByteBuffer digests = ByteBuffer.allocate(events.size() * HashChain.HASH_BYTES);
    for (RecordedEvent event : events) {
      byte[] digest = PgEventDigest.digest(hashes, event);
      digests.put(digest);
      value = hashes.next(value, digest);
    }
    write.setBytes(p, value);
    write.setLong(p + 1, events.getLast().position());
    write.setLong(p + 2, events.getFirst().position());
    write.setBytes(p + 3, value);
    write.setBytes(p + 4, digests.array());
  }

  /** The batch's record deletes and puts, in this transaction, before its events and COMMIT. */
  private void writeRecords(CommitBatch batch) throws SQLException {
    if (!batch.deletedRecords().isEmpty()) {
      try (PreparedStatement delete = connection.prepareStatement(DELETE_RECORDS)) {
        delete.setArray(
            1,
            connection.createArrayOf(
                "text",
                batch.deletedRecords().stream().map(RecordKey::namespace).toArray(String[]::new)));
        delete.setArray(
            2,
            connection.createArrayOf(
                "text",
                batch.deletedRecords().stream().map(RecordKey::key).toArray(String[]::new)));
        delete.executeUpdate();
      }
    }
    List<StoreRecord> puts = batch.records();
    if (puts.isEmpty()) {
      return;
    }
    try (PreparedStatement put = connection.prepareStatement(PUT_RECORDS)) {
      String[] namespaces = new String[puts.size()];
      String[] keys = new String[puts.size()];
      Long[] versions = new Long[puts.size()];
      byte[][] values = new byte[puts.size()][];
      for (int i = 0; i < puts.size(); i++) {
        StoreRecord record = puts.get(i);
        namespaces[i] = record.namespace();
        keys[i] = record.key();
        versions[i] = record.version();
        values[i] = record.value();
      }
      put.setArray(1, connection.createArrayOf("text", namespaces));
      put.setArray(2, connection.createArrayOf("text", keys));
      put.setArray(3, connection.createArrayOf("bigint", versions));
      put.setArray(4, connection.createArrayOf("bytea", values));
      int written = put.executeUpdate();
      if (written != puts.size()) {
        throw new IllegalStateException(
            "only "
                + written
                + " of "
                + puts.size()
                + " store records were below the version the writer assigned (a bug in the writer,"
                + " or a write that bypassed the commit lock); the batch is rolled back");
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
