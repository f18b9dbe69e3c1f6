package dev.factum.bench.load;

import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.api.snapshots.Snapshot;
import dev.factum.engine.FactumStore;
import dev.factum.engine.spi.BackupReport;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code bin/bench lifecycle [EVENTS [BACKUP_EVENTS]]}: the figures of docs/LIFECYCLE.md's items on
 * one embedded RocksDB store in a scratch directory. Aggregate load: folding a stream of {@code
 * EVENTS} events (default 10,000) from the start, against loading its snapshot at the last revision
 * and folding what follows (nothing), as {@code AggregateRepository} does, median of 21 loads after
 * 5 warm-ups each. Backup: a full backup of a store of {@code BACKUP_EVENTS} events (default
 * 200,000, 200-byte payloads), then an incremental one after 10,000 more; each includes its check
 * (restored into a scratch copy and verified), which is most of its time.
 */
public final class LifecycleMeasure {
  private LifecycleMeasure() {}

  public static void main(String[] args) throws IOException {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int backupEvents = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
    run(events, backupEvents, System.out);
  }

  /** Runs both measurements and prints their Markdown rows. */
  public static void run(int events, int backupEvents, PrintStream out) throws IOException {
    Path scratch = Files.createTempDirectory("factum-lifecycle");
    try {
      try (FactumStore store = RocksDbEventStore.open(scratch.resolve("load"))) {
        fill(store, "agg-1", events);
        long lastRevision = events - 1L;
        long[] state = fold(store, "agg-1", 0, new long[2]);
        store.snapshots().save(new Snapshot("agg-1", lastRevision, 1, encode(state)));
        double plain = medianMillis(() -> fold(store, "agg-1", 0, new long[2]));
        double snapshotted =
            medianMillis(
                () -> {
                  Snapshot snapshot = store.snapshots().load("agg-1").orElseThrow();
                  long[] from = decode(snapshot.data());
                  return fold(store, "agg-1", snapshot.revision() + 1, from);
                });
        out.printf(
            Locale.ROOT,
            "| aggregate load, %,d events | from the start %.2f ms | from a snapshot %.3f ms | %.0f× |%n",
            events,
            plain,
            snapshotted,
            plain / snapshotted);
      }
      try (FactumStore store = RocksDbEventStore.open(scratch.resolve("backup-source"))) {
        fill(store, "b", backupEvents);
        Path backup = scratch.resolve("backup");
        long started = System.nanoTime();
        BackupReport full = store.backup(backup);
        double fullSeconds = (System.nanoTime() - started) / 1e9;
        fill(store, "c", 10_000);
        started = System.nanoTime();
        BackupReport incremental = store.backup(backup);
        double incrementalSeconds = (System.nanoTime() - started) / 1e9;
        out.printf(
            Locale.ROOT,
            "| backup, %,d events | full: %.1f MB in %.2f s (%.0f MB/s, check included) |"
                + " incremental after 10,000 more: %.1f MB new of %.1f MB in %.2f s | %s |%n",
            backupEvents,
            full.bytes() / 1e6,
            fullSeconds,
            full.bytes() / 1e6 / fullSeconds,
            incremental.bytesAdded() / 1e6,
            incremental.bytes() / 1e6,
            incrementalSeconds,
            full.ok() && incremental.ok() ? "verified" : "DAMAGED");
      }
    } finally {
      try (Stream<Path> paths = Files.walk(scratch)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }

  private static void fill(FactumStore store, String stream, int count) {
    byte[] pad = "x".repeat(180).getBytes(StandardCharsets.UTF_8);
    for (int done = 0; done < count; done += 500) {
      List<EventData> batch = new ArrayList<>();
      for (int i = 0; i < Math.min(500, count - done); i++) {
        byte[] data =
            ("{\"n\":" + (done + i) + ",\"p\":\"" + new String(pad, StandardCharsets.UTF_8) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        batch.add(EventData.json("Counted", data));
      }
      store.append(stream, ExpectedRevision.any(), batch);
    }
  }

  /** The aggregate: how many events and the sum of their data sizes. */
  private static long[] fold(FactumStore store, String stream, long from, long[] state) {
    long next = from;
    while (true) {
      ReadPage page = store.readStream(stream, next, Direction.FORWARD, 500);
      for (RecordedEvent event : page.events()) {
        state[0]++;
        state[1] += event.data().length;
      }
      if (page.endOfRead() || page.isEmpty()) {
        return state;
      }
      next = page.next();
    }
  }

  private static byte[] encode(long[] state) {
    return ByteBuffer.allocate(16).putLong(state[0]).putLong(state[1]).array();
  }

  private static long[] decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    return new long[] {in.getLong(), in.getLong()};
  }

  /** A load to time. */
  @FunctionalInterface
  private interface Load {
    long[] run();
  }

  private static double medianMillis(Load load) {
    for (int i = 0; i < 5; i++) {
      load.run();
    }
    double[] millis = new double[21];
    for (int i = 0; i < millis.length; i++) {
      long started = System.nanoTime();
      load.run();
      millis[i] = (System.nanoTime() - started) / 1e6;
    }
    Arrays.sort(millis);
    return millis[millis.length / 2];
  }
}
