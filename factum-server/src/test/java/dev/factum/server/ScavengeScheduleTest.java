package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.StreamMetadata;
import dev.factum.engine.FactumStore;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Automatic scavenging ({@link ScavengeScheduler}, {@link ScavengeLease}, {@link
 * ScavengeSchedule}): a tick starts a run on the root store and every open tenant's store; a run in
 * progress is left alone; a second server's schedule starts nothing while the first holds the
 * store's lease, and takes over once it expired; a served schedule starts runs by itself and shows
 * in {@code GET /admin/scavenge} and the metrics; bad settings are refused with what to fix.
 */
class ScavengeScheduleTest {
  @TempDir Path directory;

  private static final ScavengeSchedule HOURLY = new ScavengeSchedule(Duration.ofHours(1), 0);

  /** {@code streams} streams of 20 events each, 15 of them expired by {@code maxCount} 5. */
  private static void expire(FactumStore store, String prefix, int streams) {
    for (int s = 0; s < streams; s++) {
      String stream = prefix + "-" + s;
      store.append(
          stream,
          ExpectedRevision.any(),
          IntStream.range(0, 20).mapToObj(i -> EventData.json("T", "{\"i\":" + i + "}")).toList());
      store.setStreamMetadata(stream, ExpectedRevision.any(), StreamMetadata.NONE.withMaxCount(5L));
    }
  }

  private static void awaitDone(FactumStore store) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (store.scavengeStatus().isRunning() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(store.scavengeStatus().isRunning()).as("the run ended").isFalse();
  }

  @Test
  void aTickStartsARunOnEveryStoreAndLeavesARunningOneAlone() throws Exception {
    try (FactumStore root = RocksDbEventStore.open(directory.resolve("root"));
        FactumStore tenant = RocksDbEventStore.open(directory.resolve("tenant"))) {
      expire(root, "r", 1);
      expire(tenant, "t", 2);
      ScavengeSchedule slow = new ScavengeSchedule(Duration.ofHours(1), 20);
      try (ScavengeScheduler scheduler =
          ScavengeScheduler.start(slow, root, () -> List.of(tenant), Clock.systemUTC())) {
        scheduler.tick();
        assertThat(scheduler.runsStarted()).isEqualTo(2);
        assertThat(tenant.scavengeStatus().runId()).isEqualTo(1);
        assertThat(tenant.scavengeStatus().eventsPerSecond()).isEqualTo(20);
        // 30 events at 20 a second: the tenant's run goes on for about 1.5 s
        assertThat(tenant.scavengeStatus().isRunning()).isTrue();
        awaitDone(root);
        scheduler.tick();
        assertThat(tenant.scavengeStatus().runId()).as("not restarted").isEqualTo(1);
        assertThat(root.scavengeStatus().runId()).as("a finished one runs again").isEqualTo(2);
        assertThat(scheduler.runsStarted()).isEqualTo(3);
      }
      awaitDone(tenant);
      assertThat(tenant.scavengeStatus().eventsRemoved()).isEqualTo(30);
    }
  }

  @Test
  void aSecondServersScheduleWaitsForTheLeaseAndTakesItOnceExpired() throws Exception {
    try (FactumStore shared = RocksDbEventStore.open(directory.resolve("shared"))) {
      Instant start = Instant.parse("2026-12-02T00:00:00Z");
      ScavengeLease first = new ScavengeLease(UUID.randomUUID());
      ScavengeLease second = new ScavengeLease(UUID.randomUUID());
      Duration term = Duration.ofMinutes(2);
      assertThat(first.acquire(shared, start, term)).isTrue();
      assertThat(second.acquire(shared, start.plusSeconds(60), term)).isFalse();
      assertThat(first.acquire(shared, start.plusSeconds(60), term)).as("renewed").isTrue();
      assertThat(second.acquire(shared, start.plusSeconds(179), term)).isFalse();
      assertThat(second.acquire(shared, start.plusSeconds(181), term)).as("expired").isTrue();
      assertThat(first.acquire(shared, start.plusSeconds(182), term)).isFalse();

      // Through the schedulers: the holder's tick starts a run, the other's starts nothing.
      expire(shared, "s", 1);
      Clock later = Clock.fixed(start.plusSeconds(400), ZoneOffset.UTC);
      try (ScavengeScheduler one = ScavengeScheduler.start(HOURLY, shared, List::of, later);
          ScavengeScheduler two = ScavengeScheduler.start(HOURLY, shared, List::of, later)) {
        one.tick();
        awaitDone(shared);
        two.tick();
        one.tick();
        awaitDone(shared);
        assertThat(two.runsStarted()).isZero();
        assertThat(one.runsStarted()).isEqualTo(2);
        assertThat(shared.scavengeStatus().runId()).isEqualTo(2);
      }
    }
  }

  @Test
  void aServedScheduleRunsByItselfAndShowsInTheStatusAndMetrics() throws Exception {
    Path data = directory.resolve("data");
    try (FactumStore store = RocksDbEventStore.open(data)) {
      expire(store, "order", 2); // positions 0-19 and 20-39; 15 of each expired
    }
    ServerConfig config =
        ServerConfig.DEFAULT.withScavenging(new ScavengeSchedule(Duration.ofMillis(300), 0));
    try (TestServer server = new TestServer(data, config)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while ((server.store.scavengeStatus().runId() == 0
              || server.store.scavengeStatus().isRunning())
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(server.store.scavengeStatus().runId()).isPositive();
      List<Long> kept = new ArrayList<>();
      server
          .get("/all?limit=100")
          .json()
          .get("events")
          .forEach(e -> kept.add(e.get("position").asLong()));
      assertThat(kept)
          .filteredOn(p -> p < 40)
          .containsExactly(15L, 16L, 17L, 18L, 19L, 35L, 36L, 37L, 38L, 39L);

      JsonNode status = server.get("/admin/scavenge").json();
      assertThat(status.get("state").asText()).isIn("done", "running");
      JsonNode schedule = status.get("schedule");
      assertThat(schedule.get("every").asText()).isEqualTo("PT0.3S");
      assertThat(schedule.get("eventsPerSecond").asLong()).isZero();
      assertThat(Instant.parse(schedule.get("nextRunAt").asText()))
          .isAfter(Instant.now().minusSeconds(5));
      String metrics = server.get("/metrics").body();
      assertThat(metrics).containsPattern("(?m)^factum_scavenge_scheduled_runs_total [1-9]");
      assertThat(metrics).containsPattern("(?m)^factum_scavenge_next_run_timestamp_seconds 1\\.");
      assertThat(metrics)
          .containsPattern("(?m)^factum_scavenge_last_finished_timestamp_seconds 1\\.");
    }
    try (TestServer plain = new TestServer(directory.resolve("plain"))) {
      assertThat(plain.get("/admin/scavenge").json().get("schedule").isNull()).isTrue();
      assertThat(plain.get("/metrics").body())
          .containsPattern("(?m)^factum_scavenge_next_run_timestamp_seconds -1");
    }
  }

  @Test
  void badSettingsAreRefusedWithWhatToFix() {
    assertThat(ScavengeSchedule.parse(null, null)).isEqualTo(ScavengeSchedule.OFF);
    assertThat(ScavengeSchedule.parse("90s", null).every()).isEqualTo(Duration.ofSeconds(90));
    assertThat(ScavengeSchedule.parse("6h", "1000"))
        .isEqualTo(new ScavengeSchedule(Duration.ofHours(6), 1000));
    assertThat(ScavengeSchedule.parse("PT15M", null).every()).isEqualTo(Duration.ofMinutes(15));
    assertThat(ScavengeSchedule.parse("500ms", null).every()).isEqualTo(Duration.ofMillis(500));
    assertThatThrownBy(() -> ScavengeSchedule.parse("0s", null))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("must be positive");
    assertThatThrownBy(() -> ScavengeSchedule.parse("PT-5M", null))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("must be positive");
    assertThatThrownBy(() -> ScavengeSchedule.parse("soon", null))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("cannot read the scavenging interval 'soon'");
    assertThatThrownBy(() -> ScavengeSchedule.parse("1h", "fast"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("whole number");
    assertThatThrownBy(() -> ScavengeSchedule.parse("1h", "-3"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("0 (the default) or more");
    assertThatThrownBy(() -> ScavengeSchedule.parse(null, "100"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("needs an interval");
  }
}
