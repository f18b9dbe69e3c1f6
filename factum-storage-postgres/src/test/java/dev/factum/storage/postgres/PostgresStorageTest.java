package dev.factum.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.AppendRequest;
import dev.factum.api.AppendResult;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StorageFailureException;
import dev.factum.api.StreamDeletion;
import dev.factum.api.StreamNotFoundException;
import dev.factum.api.UnsupportedFormatException;
import dev.factum.engine.FactumStore;
import dev.factum.engine.spi.VerifyReport;
import dev.factum.postgres.testing.LocalPostgres;
import dev.factum.tck.Concurrently;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What only the PostgreSQL storage has: migrations, start-up errors, verify, a database crash. */
class PostgresStorageTest {

  private static EventData event(int n) {
    return EventData.json("Counted", "{\"n\":" + n + "}");
  }

  private static void sql(PostgresConfig config, String... statements) throws SQLException {
    try (Connection connection = LocalPostgres.shared().connect(config.jdbcUrl());
        Statement statement = connection.createStatement()) {
      for (String text : statements) {
        statement.execute(text);
      }
    }
  }

  private static long count(PostgresConfig config, String query) throws SQLException {
    try (Connection connection = LocalPostgres.shared().connect(config.jdbcUrl());
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void serversStartingAtOnceApplyTheSchemaExactlyOnce() throws Exception {
    PostgresConfig config = new PostgresFixture().config();
    FactumStore[] stores = new FactumStore[4];
    Concurrently.run(4, i -> stores[i] = PostgresEventStore.open(config));
    try {
      assertThat(count(config, "SELECT count(*) FROM factum_schema_history"))
          .isEqualTo(SchemaMigrator.MIGRATIONS.size());
      stores[3].append(AppendRequest.of("x-1", ExpectedRevision.noStream(), event(1)));
      assertThat(stores[0].readStream("x-1", 0, Direction.FORWARD, 10).events()).hasSize(1);
    } finally {
      for (FactumStore store : stores) {
        if (store != null) {
          store.close();
        }
      }
    }
  }

  @Test
  void aDatabaseMigratedByANewerBuildOrEditedIsRefused() throws Exception {
    PostgresFixture fixture = new PostgresFixture();
    fixture.open().close();
    sql(fixture.config(), "INSERT INTO factum_schema_history VALUES (99, 'V99__future.sql', 'x')");
    assertThatThrownBy(fixture::open)
        .isInstanceOf(UnsupportedFormatException.class)
        .hasMessageContaining("newer than this build knows");

    sql(
        fixture.config(),
        "DELETE FROM factum_schema_history WHERE version = 99",
        "UPDATE factum_schema_history SET sha256 = 'edited' WHERE version = 1");
    assertThatThrownBy(fixture::open)
        .isInstanceOf(UnsupportedFormatException.class)
        .hasMessageContaining("different contents");
  }

  @Test
  void startUpErrorsSayWhatIsWrong() throws Exception {
    LocalPostgres postgres = LocalPostgres.shared();
    String missing =
        postgres.jdbcUrl("no_such_database_" + UUID.randomUUID().toString().substring(0, 6));
    assertThatThrownBy(() -> PostgresStorage.open(PostgresConfig.of(missing, postgres.user(), "")))
        .isInstanceOf(StorageFailureException.class)
        .hasMessageContaining("the database does not exist");

    assertThatThrownBy(
            () ->
                PostgresStorage.open(
                    PostgresConfig.of("jdbc:postgresql://127.0.0.1:1/factum", "factum", "")))
        .isInstanceOf(StorageFailureException.class)
        .hasMessageContaining("no PostgreSQL server answers there");

    PostgresConfig config = new PostgresFixture().config();
    String role = "factum_reader_" + UUID.randomUUID().toString().substring(0, 6);
    sql(config, "CREATE ROLE " + role + " LOGIN", "REVOKE CREATE ON SCHEMA public FROM PUBLIC");
    assertThatThrownBy(() -> PostgresStorage.open(PostgresConfig.of(config.jdbcUrl(), role, "")))
        .isInstanceOf(StorageFailureException.class)
        .hasMessageContaining("the user lacks privileges");

    assertThatThrownBy(() -> PostgresConfig.of("postgres://localhost/x", "u", ""))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void verifyNamesDamageMadeBehindFactumsBack() throws Exception {
    PostgresFixture fixture = new PostgresFixture();
    try (FactumStore store = fixture.open()) {
      for (int i = 0; i < 5; i++) {
        store.append(
            AppendRequest.of(
                "order-" + (i % 2), ExpectedRevision.any(), event(i).withTags(Set.of("t"))));
      }
      assertThat(store.verify().ok()).isTrue();

      sql(fixture.config(), "DELETE FROM factum_events WHERE position = 2");
      sql(fixture.config(), "DELETE FROM factum_event_tags WHERE position = 3");
      sql(fixture.config(), "UPDATE factum_streams SET last_revision = 7 WHERE stream = 'order-1'");
      VerifyReport report = store.verify();
      assertThat(report.ok()).isFalse();
      assertThat(report.problems())
          .anySatisfy(p -> assertThat(p).contains("the log row disagrees"))
          .anySatisfy(p -> assertThat(p).contains("revisions are not 0..n"))
          .anySatisfy(p -> assertThat(p).contains("tag index"))
          .anySatisfy(p -> assertThat(p).contains("head does not match").contains("order-1"));
    }
  }

  /**
   * A database of schema version 1 holds deletes without events (a head change only): the new build
   * migrates it to version 2, reads it as before, verifies it, and deletes from then on commit
   * events at the right delete point.
   */
  @Test
  void aSchemaOneDatabaseWithEventlessDeletesIsMigratedAndReadAsBefore() throws Exception {
    PostgresFixture fixture = new PostgresFixture();
    try (FactumStore store = fixture.open()) {
      store.append(AppendRequest.of("old-1", ExpectedRevision.noStream(), event(0), event(1)));
      store.append(AppendRequest.of("old-2", ExpectedRevision.noStream(), event(2)));
    }
    // What a version 1 build left: a soft delete and a tombstone as head changes only.
    sql(
        fixture.config(),
        "UPDATE factum_streams SET status = 2, first_visible_revision = 2 WHERE stream = 'old-1'",
        "UPDATE factum_streams SET status = 3, first_visible_revision = 1 WHERE stream = 'old-2'",
        "DELETE FROM factum_schema_history WHERE version = 2");
    try (FactumStore store = fixture.open()) {
      assertThat(count(fixture.config(), "SELECT max(version) FROM factum_schema_history"))
          .isEqualTo(SchemaMigrator.latestVersion());
      assertThat(count(fixture.config(), "SELECT count(*) FROM factum_records")).isZero();
      assertThat(store.verify().ok()).as("%s", store.verify()).isTrue();
      assertThatThrownBy(() -> store.readStream("old-1", 0, Direction.FORWARD, 10))
          .isInstanceOf(StreamNotFoundException.class);
      store.tombstone("old-1", ExpectedRevision.any());
      RecordedEvent last = store.readAll(2, Direction.FORWARD, 10, null).events().getLast();
      assertThat(last.deletion()).contains(new StreamDeletion("old-1", 2, true));
      assertThat(store.verify().ok()).as("%s", store.verify()).isTrue();
    }
  }

  @Test
  void verifyNamesDeletionEventsThatDisagreeWithTheirStreams() throws Exception {
    PostgresFixture fixture = new PostgresFixture();
    try (FactumStore store = fixture.open()) {
      store.append(AppendRequest.of("s-1", ExpectedRevision.noStream(), event(1)));
      store.delete("s-1", ExpectedRevision.any());
      store.tombstone("s-2", ExpectedRevision.noStream());
      assertThat(store.verify().ok()).isTrue();
      sql(
          fixture.config(),
          "UPDATE factum_events SET data = convert_to('{\"stream\":\"s-1\",\"truncateBefore\":7}',"
              + " 'UTF8') WHERE stream = '$deletions' AND revision = 0",
          "UPDATE factum_events SET category = 'x' WHERE stream = '$deletions' AND revision = 1",
          "DELETE FROM factum_streams WHERE stream = 's-2'");
      VerifyReport report = store.verify();
      assertThat(report.problems())
          .anySatisfy(p -> assertThat(p).contains("does not record its stream's delete point"))
          .anySatisfy(p -> assertThat(p).contains("category is not its deleted stream's"))
          .anySatisfy(
              p -> assertThat(p).contains("does not hold its last deletion").contains("s-2"));
    }
  }

  @Test
  void aDatabaseCrashFailsAppendsUntilItIsBackWithoutLosingAcknowledgedOnes() throws Exception {
    try (LocalPostgres postgres = LocalPostgres.startPrivate()) {
      PostgresConfig config =
          PostgresConfig.of(postgres.createDatabase("crash"), postgres.user(), postgres.password())
              .withPollInterval(Duration.ofMillis(100));
      try (FactumStore store = PostgresEventStore.open(config)) {
        AppendResult before =
            store.append(AppendRequest.of("crash-1", ExpectedRevision.noStream(), event(0)));

        postgres.kill();
        assertThatThrownBy(
                () ->
                    store.append(AppendRequest.of("crash-1", ExpectedRevision.exact(0), event(1))))
            .isInstanceOf(StorageFailureException.class)
            .hasMessageContaining("outcome of this append is unknown");
        assertThat(store.isStopped()).as("a shared store is not fail-stop").isFalse();

        postgres.restart();
        EventData retried = event(1).withId(UUID.randomUUID());
        AppendResult after =
            store.append(AppendRequest.of("crash-1", ExpectedRevision.exact(0), retried));
        assertThat(after.firstRevision()).isEqualTo(1);
        assertThat(after.firstPosition()).isEqualTo(before.lastPosition() + 1);
        assertThat(store.readStream("crash-1", 0, Direction.FORWARD, 10).events()).hasSize(2);
        assertThat(store.verify().ok()).isTrue();
      }
    }
  }
}
