package dev.factum.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.ChainHead;
import dev.factum.api.DataCorruptedException;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.EventStore;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.LogFilter;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamMetadata;
import dev.factum.api.scavenge.ScavengeStatus;
import dev.factum.engine.FactumStore;
import dev.factum.engine.spi.CommitBatch;
import dev.factum.engine.spi.Removal;
import dev.factum.engine.spi.RemovedEvent;
import dev.factum.engine.spi.StoreRecord;
import dev.factum.engine.spi.VerifyReport;
import dev.factum.postgres.testing.LocalPostgres;
import dev.factum.tck.Await;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Scavenging on PostgreSQL against {@code verify} and the hash chain (docs/LIFECYCLE.md,
 * "Scavenging", "Tamper evidence"): a scavenged store verifies with its chain intact through an
 * anchor noted before the run; a removal marker of a revision the stream still shows is damage; a
 * row deleted behind Factum's back (no marker) is a chain break, a verify problem and a {@code
 * data-corrupted} log and stream read, never a silent skip; a removal committed twice removes once;
 * a record written twice in one batch (two runs' progress writes) lands two versions on.
 */
class PostgresScavengeVerifyTest {
  private final PostgresFixture fixture = new PostgresFixture();

  /** order-0..2 with 10 events each (tags on even ones), maxCount 3: 21 events expire. */
  private static void writeAndExpire(FactumStore store) {
    for (int i = 0; i < 30; i++) {
      store.append(
          "order-" + i % 3,
          ExpectedRevision.any(),
          List.of(
              EventData.json("Placed", "{\"i\":" + i + "}")
                  .withTags(i % 2 == 0 ? Set.of("even") : Set.of())));
    }
    for (int s = 0; s < 3; s++) {
      store.setStreamMetadata(
          "order-" + s, ExpectedRevision.any(), StreamMetadata.NONE.withMaxCount(3L));
    }
  }

  private static ScavengeStatus scavenge(FactumStore store) {
    long before = store.scavengeStatus().runId();
    store.startScavenge(0);
    Await.until(
        "the scavenging run ends",
        Duration.ofSeconds(30),
        () -> store.scavengeStatus().runId() > before && !store.scavengeStatus().isRunning());
    return store.scavengeStatus();
  }

  private void sql(String... statements) throws SQLException {
    try (Connection connection = LocalPostgres.shared().connect(fixture.config().jdbcUrl());
        Statement statement = connection.createStatement()) {
      for (String text : statements) {
        statement.execute(text);
      }
    }
  }

  private long count(String query) throws SQLException {
    try (Connection connection = LocalPostgres.shared().connect(fixture.config().jdbcUrl());
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void aScavengedStoreVerifiesWithItsChainIntactAndItsRowsGone() throws Exception {
    try (FactumStore store = fixture.open()) {
      writeAndExpire(store);
      ChainHead anchor = store.chainHead();
      ScavengeStatus status = scavenge(store);
      assertThat(status.state()).as("%s", status).isEqualTo(ScavengeStatus.State.DONE);
      assertThat(status.eventsRemoved()).isEqualTo(21);

      VerifyReport report = store.verify(anchor.anchor());
      assertThat(report.ok()).as("%s", report).isTrue();
      assertThat(report.chain().intact()).isTrue();
      assertThat(report.chain().head()).isEqualTo(store.chainHead());
      assertThat(report.events()).isEqualTo(9);
      assertThat(count("SELECT count(*) FROM factum_removed")).isEqualTo(21);
      assertThat(count("SELECT count(*) FROM factum_events WHERE stream LIKE 'order-%'"))
          .isEqualTo(9);
      // the removed events' tag rows went with them: only kept even events keep their tag
      assertThat(count("SELECT count(*) FROM factum_event_tags"))
          .isEqualTo(
              count(
                  "SELECT count(*) FROM factum_events WHERE stream LIKE 'order-%' AND"
                      + " cardinality(tags) > 0"));
    }
  }

  @Test
  void aRemovalMarkerOfARevisionTheStreamStillShowsIsDamage() throws Exception {
    try (FactumStore store = fixture.open()) {
      writeAndExpire(store);
      scavenge(store);
      sql("UPDATE factum_streams SET first_visible_revision = 2 WHERE stream = 'order-1'");
      VerifyReport report = store.verify();
      assertThat(report.ok()).isFalse();
      assertThat(report.problems())
          .anySatisfy(p -> assertThat(p).contains("still shows").contains("order-1, 2,"))
          .noneSatisfy(p -> assertThat(p).contains("order-1, 1,"));
    }
  }

  @Test
  void aRowDeletedWithoutAMarkerIsCorruptionNotARemoval() throws Exception {
    try (FactumStore store = fixture.open()) {
      writeAndExpire(store);
      scavenge(store);
      RecordedEvent kept = store.readStream("order-2", 0, Direction.FORWARD, 1).events().get(0);
      long p = kept.position();
      // The log skips the removed positions without complaint before the damage.
      assertThat(store.readAll(0, Direction.FORWARD, 100, LogFilter.none()).events())
          .contains(kept);
      sql(
          "DELETE FROM factum_event_tags WHERE position = " + p,
          "DELETE FROM factum_events WHERE position = " + p);

      assertThatThrownBy(() -> store.readAll(0, Direction.FORWARD, 100, LogFilter.none()))
          .isInstanceOf(DataCorruptedException.class)
          .hasMessageContaining("no event at position " + p);
      assertThatThrownBy(() -> store.readAll(p + 1, Direction.BACKWARD, 100, LogFilter.none()))
          .isInstanceOf(DataCorruptedException.class)
          .hasMessageContaining("no event at position " + p);
      // Stream reads: order-2's first kept revision (7) is gone but not below its first visible
      // one.
      assertThatThrownBy(() -> store.readStream("order-2", 0, Direction.FORWARD, 10))
          .isInstanceOf(DataCorruptedException.class)
          .hasMessageContaining("order-2 has no event at revision 7");
      assertThatThrownBy(() -> store.readStream("order-2", EventStore.END, Direction.BACKWARD, 10))
          .isInstanceOf(DataCorruptedException.class)
          .hasMessageContaining("order-2 has no event at revision 7");
      assertThat(store.readStream("order-1", 0, Direction.FORWARD, 10).events()).hasSize(3);
      VerifyReport report = store.verify();
      assertThat(report.ok()).isFalse();
      assertThat(report.chain().firstBreak()).isEqualTo(p);
      assertThat(report.problems())
          .anySatisfy(problem -> assertThat(problem).contains("the log row disagrees"));
    }
  }

  @Test
  void aRemovalCommittedTwiceRemovesAndRecordsOnce() throws Exception {
    List<RecordedEvent> events;
    try (FactumStore store = fixture.open()) {
      store.append(
          "job-1",
          ExpectedRevision.noStream(),
          IntStream.range(0, 4).mapToObj(i -> EventData.json("T", "{}")).toList());
      events = store.readStream("job-1", 0, Direction.FORWARD, 10).events();
    }
    List<Removal> removals =
        events.subList(0, 2).stream()
            .map(e -> new Removal(e, RemovedEvent.Reason.RETENTION))
            .toList();
    try (PostgresStorage storage = PostgresStorage.open(fixture.config())) {
      CommitBatch batch = new CommitBatch(List.of(), Map.of(), List.of(), List.of(), removals);
      storage.commit(batch);
      storage.commit(batch); // a second server's copy of the same step: nothing left to remove
      assertThat(count("SELECT count(*) FROM factum_removed")).isEqualTo(2);
      assertThat(storage.removedAt(events.get(1).position())).isEqualTo(removals.get(1).stub());
      assertThat(storage.removedAt(events.get(2).position())).isNull();
      assertThat(storage.findPosition(events.get(0).id())).isEqualTo(events.get(0).position());
      // A removal of a row that is not there (or not that event) records nothing.
      RecordedEvent notThere =
          new RecordedEvent(
              UUID.randomUUID(),
              "job-1",
              2,
              events.get(2).position(),
              events.get(2).timestamp(),
              "T",
              events.get(2).contentType(),
              events.get(2).data(),
              null,
              Set.of());
      storage.commit(
          new CommitBatch(
              List.of(),
              Map.of(),
              List.of(),
              List.of(),
              List.of(new Removal(notThere, RemovedEvent.Reason.RETENTION))));
      assertThat(storage.removedAt(events.get(2).position())).isNull();
      assertThat(storage.readEvent(events.get(2).position())).isEqualTo(events.get(2));
    }
  }

  /**
   * A run's last progress write and the next run's first may share one batch: the stager gives the
   * key two versions and the batch holds the second, which the upsert must take.
   */
  @Test
  void aRecordWrittenTwiceInOneBatchLandsTwoVersionsOn() throws Exception {
    try (PostgresStorage storage = PostgresStorage.open(fixture.config())) {
      byte[] value = {1};
      storage.commit(
          new CommitBatch(
              List.of(), Map.of(), List.of(new StoreRecord("ns", "k", 1, value)), List.of()));
      storage.commit(
          new CommitBatch(
              List.of(), Map.of(), List.of(new StoreRecord("ns", "k", 3, value)), List.of()));
      assertThat(storage.readRecord("ns", "k").version()).isEqualTo(3);
      assertThatThrownBy(
              () ->
                  storage.commit(
                      new CommitBatch(
                          List.of(),
                          Map.of(),
                          List.of(new StoreRecord("ns", "k", 3, value)),
                          List.of())))
          .hasStackTraceContaining("below the version the writer assigned");
      assertThat(storage.readRecord("ns", "k").version()).isEqualTo(3);
    }
  }
}
