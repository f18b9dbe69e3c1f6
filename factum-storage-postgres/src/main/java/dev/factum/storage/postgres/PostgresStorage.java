package dev.factum.storage.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.factum.api.ChainAnchor;
import dev.factum.api.ChainHead;
import dev.factum.api.DataCorruptedException;
import dev.factum.api.Direction;
import dev.factum.api.LogFilter;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StorageFailureException;
import dev.factum.engine.spi.CommitBatch;
import dev.factum.engine.spi.CommitSession;
import dev.factum.engine.spi.HashChain;
import dev.factum.engine.spi.ListedStream;
import dev.factum.engine.spi.RemovedEvent;
import dev.factum.engine.spi.SharedStorage;
import dev.factum.engine.spi.StorageGauge;
import dev.factum.engine.spi.StoreRecord;
import dev.factum.engine.spi.StreamHead;
import dev.factum.engine.spi.VerifyReport;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.LongConsumer;

/**
 * The storage SPI over PostgreSQL, shared by any number of stateless Factum servers.
 *
 * <p>Design note: the database holds everything; a server holds only caches it can rebuild. The
 * writer of each server commits batches through {@link PgCommitSession} (global row lock, so
 * positions stay dense and commit-ordered across servers); readers use a connection pool and plain
 * snapshot reads, which always see a gap-free prefix of the log; a {@link CommitWatcher} tells
 * subscribers of other servers' commits. Three sets of connections keep one role from starving
 * another: a pool for readers, one for the writer, one for the watcher.
 *
 * <p>Durability rests on PostgreSQL: a batch is acknowledged only after {@code COMMIT} returns, and
 * the session forces {@code synchronous_commit = on} whatever the server default, so COMMIT returns
 * only once the commit record is flushed (and, with synchronous replicas configured, as replicated
 * as the operator asked for).
 */
public final class PostgresStorage implements SharedStorage {
  /**
   * How long a transaction may sit idle (e.g. its server paused or gone) before PostgreSQL ends it.
   */
  static final int IDLE_IN_TRANSACTION_TIMEOUT_MS = 15_000;

  private final PostgresConfig config;
  private final HikariDataSource readers;
  private final HikariDataSource writer;
  private volatile CommitWatcher watcher;

  private PostgresStorage(
      PostgresConfig config, HikariDataSource readers, HikariDataSource writer) {
    this.config = config;
    this.readers = readers;
    this.writer = writer;
  }

  /**
   * Connects, migrates the schema if needed, and opens the pools.
   *
   * @throws StorageFailureException with a message naming the cause (no server, no database,
   *     refused login, missing privileges)
   */
  public static PostgresStorage open(PostgresConfig config) {
    try (Connection connection = connect(config)) {
      SchemaMigrator.migrate(connection);
      PgQueries.lastPosition(connection);
    } catch (SQLException e) {
      throw PgErrors.atStart(config, e);
    }
    HikariDataSource readers = pool(config, "factum-pg-readers", config.poolSize());
    try {
      return new PostgresStorage(config, readers, pool(config, "factum-pg-writer", 1));
    } catch (RuntimeException e) {
      readers.close();
      throw e;
    }
  }

  private static Properties connectionProperties(PostgresConfig config) {
    Properties properties = new Properties();
    properties.setProperty("user", config.user());
    properties.setProperty("password", config.password());
    properties.setProperty("ApplicationName", "factum");
    properties.setProperty("reWriteBatchedInserts", "true");
    properties.setProperty("tcpKeepAlive", "true");
    properties.setProperty("connectTimeout", "10");
    if (config.schema() != null) {
      properties.setProperty("currentSchema", config.schema());
    }
    // Never acknowledge an append before its commit record is on disk, whatever the server says.
    // A server that stalls or vanishes while holding the commit lock must not block every other
    // server: PostgreSQL ends a transaction left idle that long (its batch then fails, with an
    // unknown outcome, and is retried by its client).
    properties.setProperty(
        "options",
        "-c synchronous_commit=on -c idle_in_transaction_session_timeout="
            + IDLE_IN_TRANSACTION_TIMEOUT_MS);
    return properties;
  }

  static Connection connect(PostgresConfig config) throws SQLException {
    return DriverManager.getConnection(config.jdbcUrl(), connectionProperties(config));
  }

  private static HikariDataSource pool(PostgresConfig config, String name, int size) {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName(name);
    hikari.setJdbcUrl(config.jdbcUrl());
    hikari.setDataSourceProperties(connectionProperties(config));
    hikari.setMaximumPoolSize(size);
    hikari.setMinimumIdle(Math.min(size, 2));
    hikari.setConnectionTimeout(10_000);
    hikari.setInitializationFailTimeout(-1); // checked by open() already; a pool may start empty
    return new HikariDataSource(hikari);
  }

  public PostgresConfig config() {
    return config;
  }

  @Override
  public List<StorageGauge> gauges() {
    return PoolGauges.of(readers, writer);
  }

  @Override
  public CommitSession beginCommit(Collection<String> streams, Collection<UUID> eventIds) {
    try {
      Connection connection = writer.getConnection();
      try {
        return PgCommitSession.begin(connection, streams, eventIds, new HashChain());
      } catch (SQLException | RuntimeException e) {
        connection.close();
        throw e;
      }
    } catch (SQLException e) {
      throw PgErrors.translate("taking the commit lock", e);
    }
  }

  @Override
  public synchronized void watchCommits(LongConsumer listener) {
    if (watcher != null) {
      throw new IllegalStateException("commits are already watched");
    }
    watcher =
        new CommitWatcher(
            () -> {
              try {
                return connect(config);
              } catch (SQLException e) {
                throw PgErrors.translate("listening for commits", e);
              }
            },
            config.pollInterval().toMillis(),
            listener);
    watcher.start();
  }

  @Override
  public long lastPosition() {
    return query("reading the log head", PgQueries::lastPosition);
  }

  @Override
  public StreamHead loadHead(String stream) {
    return query("loading the head of a stream", c -> PgQueries.loadHead(c, stream));
  }

  @Override
  public List<ListedStream> listStreams(String prefix, String after, int limit, long maxPosition) {
    // Committed heads only (a reader's snapshot): maxPosition does not apply to a shared storage.
    return query("listing streams", c -> StreamListingQuery.list(c, prefix, after, limit));
  }

  @Override
  public long findPosition(UUID eventId) {
    return query("looking up an event id", c -> PgQueries.findPosition(c, eventId));
  }

  @Override
  public RecordedEvent readEvent(long position) {
    return query("reading an event", c -> PgQueries.readEvent(c, position));
  }

  /** Commits outside the writer (e.g. tools); it must continue the log where it ends now. */
  @Override
  public void commit(CommitBatch batch) {
    try (CommitSession session = beginCommit(List.of(), List.of())) {
      session.commit(batch);
    }
  }

  @Override
  public RemovedEvent removedAt(long position) {
    return query("reading a removal marker", c -> PgRemovals.removedAt(c, position));
  }

  /** Scavenging deletes rows and records their positions ({@link PgRemovals}). */
  @Override
  public boolean supportsRemoval() {
    return true;
  }

  /** VACUUMs the tables scavenging deletes from ({@link PgSpace}); the bytes they shrank by. */
  @Override
  public long reclaimSpace() {
    return query("reclaiming space", PgSpace::vacuum);
  }

  @Override
  public StoreRecord readRecord(String namespace, String key) {
    return query("reading a store record", c -> PgQueries.readRecord(c, namespace, key));
  }

  @Override
  public List<StoreRecord> readRecords(String namespace) {
    return query("reading store records", c -> PgQueries.readRecords(c, namespace));
  }

  @Override
  public List<RecordedEvent> readStream(
      String stream,
      long from,
      Direction direction,
      int limit,
      long minRevision,
      long maxPosition) {
    boolean forward = direction == Direction.FORWARD;
    String sql =
        "SELECT "
            + EventRows.COLUMNS
            + " FROM factum_events WHERE stream = ? AND revision "
            + (forward ? ">=" : "<=")
            + " ? AND revision >= ? AND position <= ? ORDER BY revision "
            + (forward ? "ASC" : "DESC")
            + " LIMIT ?";
    return query(
        "reading a stream",
        c -> {
          try (PreparedStatement select = c.prepareStatement(sql)) {
            select.setString(1, stream);
            select.setLong(2, from);
            select.setLong(3, minRevision);
            select.setLong(4, maxPosition);
            select.setInt(5, limit);
            List<RecordedEvent> page = EventRows.events(select);
            StreamGaps.check(c, stream, from, direction, limit, minRevision, page);
            return page;
          }
        });
  }

  @Override
  public List<RecordedEvent> readLog(
      long from, Direction direction, int limit, LogFilter filter, long maxPosition) {
    LogQuery query = LogQuery.of(filter, direction);
    return query(
        "reading the log",
        c -> {
          List<RecordedEvent> page;
          try (PreparedStatement select = c.prepareStatement(query.sql())) {
            query.bind(c, select, from, maxPosition, limit);
            page = EventRows.events(select);
          }
          if (filter.isNone()) {
            LogGaps.check(c, from, direction, limit, maxPosition, page);
          }
          return page;
        });
  }

  @Override
  public VerifyReport verify() {
    return verify(null);
  }

  @Override
  public VerifyReport verify(ChainAnchor anchor) {
    return query("verifying the store", c -> PostgresVerifier.verify(c, anchor));
  }

  /** The chain head on the log row, as committed by whichever server committed last. */
  @Override
  public ChainHead chainHead() {
    return query(
        "reading the chain head",
        c -> {
          try (Statement statement = c.createStatement();
              ResultSet rs =
                  statement.executeQuery(
                      "SELECT last_position, chain_start, chain_head FROM factum_log")) {
            if (!rs.next()) {
              throw new DataCorruptedException("the factum_log row is missing");
            }
            long start = rs.getLong(2);
            byte[] head = rs.getBytes(3);
            if (head == null || head.length != HashChain.HASH_BYTES) {
              throw new DataCorruptedException("the chain head on the factum_log row is damaged");
            }
            return new ChainHead(
                Math.max(rs.getLong(1), start - 1), HexFormat.of().formatHex(head), start);
          }
        });
  }

  @Override
  public void close() {
    try {
      CommitWatcher current = watcher;
      if (current != null) {
        current.close();
      }
    } finally {
      try {
        readers.close();
      } finally {
        writer.close();
      }
    }
  }

  /** A unit of work on a reader connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private <T> T query(String doing, Work<T> work) {
    try (Connection connection = readers.getConnection()) {
      return work.run(connection);
    } catch (SQLException e) {
      throw PgErrors.translate(doing, e);
    }
  }

  @Override
  public String toString() {
    return "PostgreSQL " + config;
  }
}
