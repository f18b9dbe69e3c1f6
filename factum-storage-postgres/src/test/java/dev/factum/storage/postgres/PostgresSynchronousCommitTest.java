package dev.factum.storage.postgres;

import static dev.factum.api.ExpectedRevision.any;
import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.EventData;
import dev.factum.engine.FactumStore;
import dev.factum.postgres.testing.LocalPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Factum's sessions commit synchronously on a server whose default is {@code
 * synchronous_commit=off}.
 *
 * <p>Design note: every other PostgreSQL test runs on a server with synchronous commit on, where
 * Factum's own session setting changes nothing. Here the server defaults to off and its WAL writer
 * flushes at most every 10 s, so an asynchronous commit stays unflushed long after it returned. The
 * test reads the WAL insert position before an append and the WAL flush position right after its
 * acknowledgement: a synchronous commit flushed its own commit record, which lies past the first,
 * so the flush position must have moved past it. That holds deterministically when Factum forces
 * synchronous commit; without it, nothing in this server flushes in that window (nothing else
 * commits, the WAL writer sleeps), so the check fails. Removing {@code -c synchronous_commit=on}
 * from {@code PostgresStorage}'s connection options fails both tests (tried; docs/RELIABILITY.md).
 */
class PostgresSynchronousCommitTest {
  private static LocalPostgres postgres;
  private static String url;

  @BeforeAll
  static void startAServerThatCommitsAsynchronouslyByDefault() throws SQLException {
    postgres = LocalPostgres.startPrivateWithAsynchronousCommitDefault();
    url = postgres.createDatabase("factum_async_default");
    try (Connection plain = postgres.connect(url)) {
      assertThat(show(plain, "synchronous_commit")).isEqualTo("off");
      assertThat(show(plain, "fsync")).isEqualTo("on");
    }
  }

  @AfterAll
  static void stop() {
    if (postgres != null) {
      postgres.close();
    }
  }

  private PostgresConfig config() {
    return PostgresConfig.of(url, postgres.user(), postgres.password()).withPoolSize(2);
  }

  @Test
  void factumSessionsOverrideTheServerDefault() throws SQLException {
    try (Connection factumSession = PostgresStorage.connect(config())) {
      assertThat(show(factumSession, "synchronous_commit")).isEqualTo("on");
    }
  }

  @Test
  void everyAcknowledgedBatchHasItsCommitRecordFlushed() throws SQLException {
    try (FactumStore store = PostgresEventStore.open(config());
        Connection observer = postgres.connect(url)) {
      for (int i = 0; i < 8; i++) {
        String insertedBefore = lsn(observer, "pg_current_wal_insert_lsn()");
        store.append("s-" + i % 3, any(), List.of(EventData.json("T", "{\"i\":" + i + "}")));
        String flushedAfter = lsn(observer, "pg_current_wal_flush_lsn()");
        assertThat(compare(observer, flushedAfter, insertedBefore))
            .as(
                "append %d was acknowledged with the WAL flushed only to %s, before the %s its"
                    + " commit record follows: the commit did not wait for its flush",
                i, flushedAfter, insertedBefore)
            .isPositive();
      }
    }
  }

  private static String show(Connection connection, String setting) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SHOW " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static String lsn(Connection connection, String function) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT " + function + "::text")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Signed byte distance {@code a - b} between two LSNs, computed by PostgreSQL. */
  private static long compare(Connection connection, String a, String b) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT pg_wal_lsn_diff('" + a + "'::pg_lsn, '" + b + "'::pg_lsn)::bigint")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
