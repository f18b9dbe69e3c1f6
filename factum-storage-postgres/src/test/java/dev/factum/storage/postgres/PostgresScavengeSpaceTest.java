package dev.factum.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.StreamMetadata;
import dev.factum.api.scavenge.ScavengeStatus;
import dev.factum.engine.FactumStore;
import dev.factum.postgres.testing.LocalPostgres;
import dev.factum.tck.Await;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * What scavenging gives back on PostgreSQL, measured (docs/LIFECYCLE.md, "Scavenging"): a store
 * whose streams keep a fifth of their events ({@code maxCount}), 200-byte random payloads. Printed:
 * the bytes of the store's tables (heap, indexes, TOAST) before the run, after it (its online
 * {@code VACUUM}: freed space stays in the tables for reuse) and after an offline {@code VACUUM
 * FULL} (what rewriting the tables returns to the file system). The default size is small, to keep
 * the default run fast; {@code -Dfactum.pgscav.streams=400 -Dfactum.pgscav.events=500} is the size
 * of {@code bin/bench scavenge} on RocksDB.
 */
class PostgresScavengeSpaceTest {
  private static final int STREAMS = Integer.getInteger("factum.pgscav.streams", 20);
  private static final int EVENTS = Integer.getInteger("factum.pgscav.events", 100);

  private final PostgresFixture fixture = new PostgresFixture();

  private long tableBytes() throws SQLException {
    return single(
        "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid ="
            + " c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r'");
  }

  private long single(String query) throws SQLException {
    try (Connection connection = LocalPostgres.shared().connect(fixture.config().jdbcUrl());
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void vacuum(String how) throws SQLException {
    try (Connection connection = LocalPostgres.shared().connect(fixture.config().jdbcUrl());
        Statement statement = connection.createStatement()) {
      statement.execute("VACUUM " + how);
    }
  }

  @Test
  void scavengingEightyPercentGivesTheRowsBackToPostgres() throws Exception {
    Random random = new Random(17);
    List<EventData> batch =
        IntStream.range(0, 100)
            .mapToObj(
                i -> {
                  StringBuilder pad = new StringBuilder();
                  for (int c = 0; c < 188; c++) {
                    pad.append((char) ('a' + random.nextInt(26)));
                  }
                  return EventData.json("Added", "{\"pad\":\"" + pad + "\"}");
                })
            .toList();
    try (FactumStore store = fixture.open()) {
      for (int s = 0; s < STREAMS; s++) {
        for (int written = 0; written < EVENTS; written += batch.size()) {
          store.append(
              "exp-" + s,
              ExpectedRevision.any(),
              batch.subList(0, Math.min(batch.size(), EVENTS - written)));
        }
        store.setStreamMetadata(
            "exp-" + s, ExpectedRevision.any(), StreamMetadata.NONE.withMaxCount(EVENTS / 5L));
      }
      vacuum("(ANALYZE)"); // the baseline as PostgreSQL settles it, like the run's own VACUUM
      long before = tableBytes();
      long started = System.nanoTime();
      long run = store.scavengeStatus().runId();
      store.startScavenge(10_000_000);
      Await.until(
          "the scavenging run ends",
          Duration.ofMinutes(10),
          () -> store.scavengeStatus().runId() > run && !store.scavengeStatus().isRunning());
      double seconds = (System.nanoTime() - started) / 1e9;
      ScavengeStatus status = store.scavengeStatus();
      assertThat(status.state()).as("%s", status).isEqualTo(ScavengeStatus.State.DONE);
      long total = (long) STREAMS * EVENTS;
      assertThat(status.eventsRemoved()).isEqualTo(total - STREAMS * (EVENTS / 5L));
      long online = tableBytes();
      long markers = single("SELECT pg_total_relation_size('factum_removed')");
      vacuum("FULL");
      long full = tableBytes();
      System.out.printf(
          Locale.ROOT,
          "PostgreSQL scavenging: %,d events, %,d removed (%,d streams, maxCount %d, 200-byte"
              + " payloads) in %.2f s (%,.0f events/s, VACUUM included): tables %,d bytes before;"
              + " %,d after the run's VACUUM (%.2f×, reported reclaimed %,d); %,d after VACUUM FULL"
              + " (%.2f×); factum_removed %,d bytes (%.0f per removed event)%n",
          total,
          status.eventsRemoved(),
          STREAMS,
          EVENTS / 5,
          seconds,
          status.eventsRemoved() / seconds,
          before,
          online,
          online / (double) before,
          status.bytesReclaimed(),
          full,
          full / (double) before,
          markers,
          markers / (double) status.eventsRemoved());
      // Rewritten, the tables hold the kept fifth, the markers and the fixed costs of a store.
      assertThat(full).isLessThan(before * 6 / 10);
      assertThat(store.verify().ok()).isTrue();
    }
  }
}
