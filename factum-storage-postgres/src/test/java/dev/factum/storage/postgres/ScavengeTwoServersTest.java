package dev.factum.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.LogFilter;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamMetadata;
import dev.factum.api.scavenge.ScavengeStatus;
import dev.factum.engine.FactumStore;
import dev.factum.engine.StoreOptions;
import dev.factum.engine.spi.VerifyReport;
import dev.factum.postgres.testing.LocalPostgres;
import dev.factum.tck.Await;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Two servers on one PostgreSQL both scavenging at once, while both append (docs/LIFECYCLE.md,
 * "Scavenging"): each step is checked under the commit lock against the committed metadata version
 * and removes only rows still there, so the two runs overlap harmlessly. Every expired event is
 * removed exactly once (one marker each), every visible one and every event appended meanwhile is
 * kept, each server reads the same log, the store verifies, and a later run on either finds
 * nothing.
 */
class ScavengeTwoServersTest {
  private static final int STREAMS = 6;
  private static final int EVENTS = 40;
  private static final long KEEP = 8;

  private final PostgresFixture fixture = new PostgresFixture();

  private static void awaitRunEnd(FactumStore store, long after) {
    Await.until(
        "the scavenging run ends",
        Duration.ofSeconds(60),
        () -> store.scavengeStatus().runId() > after && !store.scavengeStatus().isRunning());
    assertThat(store.scavengeStatus().state())
        .as("%s", store.scavengeStatus())
        .isEqualTo(ScavengeStatus.State.DONE);
  }

  private long removedMarkers() throws Exception {
    try (Connection connection = LocalPostgres.shared().connect(fixture.config().jdbcUrl());
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT count(*) FROM factum_removed")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void twoServersScavengingAtOnceRemoveEachExpiredEventOnceAndKeepTheRest() throws Exception {
    try (FactumStore a = fixture.open(StoreOptions.DEFAULT);
        FactumStore b = fixture.open(StoreOptions.DEFAULT)) {
      List<EventData> batch = new ArrayList<>();
      for (int i = 0; i < EVENTS; i++) {
        batch.add(EventData.json("Tick", "{\"i\":" + i + "}"));
      }
      for (int s = 0; s < STREAMS; s++) {
        (s % 2 == 0 ? a : b).append("meter-" + s, ExpectedRevision.noStream(), batch);
        a.setStreamMetadata(
            "meter-" + s, ExpectedRevision.any(), StreamMetadata.NONE.withMaxCount(KEEP));
      }
      // Appends on both servers go on during the runs, into streams nothing expires in.
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger appended = new AtomicInteger();
      List<Thread> appenders = new ArrayList<>();
      for (FactumStore store : List.of(a, b)) {
        Thread t =
            Thread.ofPlatform()
                .start(
                    () -> {
                      while (!stop.get()) {
                        store.append(
                            "live-" + (store == a ? "a" : "b"),
                            ExpectedRevision.any(),
                            List.of(EventData.json("Live", "{}")));
                        appended.incrementAndGet();
                      }
                    });
        appenders.add(t);
      }
      long runA = a.scavengeStatus().runId();
      a.startScavenge(0);
      long runB = b.scavengeStatus().runId();
      b.startScavenge(0);
      awaitRunEnd(a, runA);
      awaitRunEnd(b, runB);
      stop.set(true);
      for (Thread t : appenders) {
        t.join();
      }

      long expired = STREAMS * (EVENTS - KEEP);
      assertThat(removedMarkers()).isEqualTo(expired);
      // Each server counts the steps it committed; a step the other had already done removes
      // nothing, so together they count at least every expired event.
      assertThat(a.scavengeStatus().eventsRemoved() + b.scavengeStatus().eventsRemoved())
          .isGreaterThanOrEqualTo(expired);
      for (int s = 0; s < STREAMS; s++) {
        List<RecordedEvent> kept = a.readStream("meter-" + s, 0, Direction.FORWARD, 100).events();
        assertThat(kept)
            .extracting(RecordedEvent::revision)
            .hasSize((int) KEEP)
            .first()
            .isEqualTo(EVENTS - KEEP);
        assertThat(b.readStream("meter-" + s, 0, Direction.FORWARD, 100).events()).isEqualTo(kept);
      }
      long head = a.headPosition();
      List<RecordedEvent> logA = a.readAll(0, Direction.FORWARD, 10_000, LogFilter.none()).events();
      Await.until("b sees a's head", Duration.ofSeconds(10), () -> b.headPosition() >= head);
      List<RecordedEvent> logB =
          b.readAll(0, Direction.FORWARD, 10_000, LogFilter.none()).events().stream()
              .filter(e -> e.position() <= logA.getLast().position())
              .toList();
      assertThat(logB).isEqualTo(logA);
      assertThat(logA).filteredOn(e -> e.stream().startsWith("live-")).hasSize(appended.get());
      assertThat(logA)
          .filteredOn(e -> e.stream().startsWith("meter-"))
          .hasSize((int) (STREAMS * KEEP));
      VerifyReport report = a.verify();
      assertThat(report.ok()).as("%s", report).isTrue();
      assertThat(report.chain().intact()).isTrue();

      long again = b.scavengeStatus().runId();
      b.startScavenge(0);
      awaitRunEnd(b, again);
      assertThat(b.scavengeStatus().eventsRemoved()).isZero();
      assertThat(removedMarkers()).isEqualTo(expired);
    }
  }
}
