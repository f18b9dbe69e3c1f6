package dev.factum.bench.load;

import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.StreamMetadata;
import dev.factum.api.scavenge.ScavengeStatus;
import dev.factum.engine.FactumStore;
import dev.factum.storage.rocksdb.RocksDbConfig;
import dev.factum.storage.rocksdb.RocksDbStorage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * {@code bin/bench scavenge [STREAMS [EVENTS_PER_STREAM [RECLAIM_MIB_PER_S]]]}: scavenging on one
 * embedded RocksDB store in a scratch directory (docs/LIFECYCLE.md, "Scavenging"). {@code STREAMS}
 * streams (default 400) of {@code EVENTS_PER_STREAM} events (default 500, 200-byte payloads) get
 * {@code maxCount} of a fifth of that, so 80% of the events are expired. Disk: the data directory's
 * bytes after a full compaction, before and after the run (the ratio is the figure). Rate: events
 * and payload MB removed per second, the removal unthrottled, the compaction after it paced at the
 * reclaim rate ({@code RECLAIM_MIB_PER_S}, default the storage's, 32; 0: no limit). Effect on
 * appends: the p99 of single-event appends from four threads for a fixed window with no scavenge,
 * then again while a scavenge of as many freshly expired events runs at the default throttle
 * (50,000 events/s), in the same process and store.
 */
public final class ScavengeMeasure {
  private static final int APPENDERS = 4;
  private static final Duration WINDOW = Duration.ofSeconds(8);

  /** 100 payloads of 200 bytes of random letters: what LZ4 cannot shrink much, as real data. */
  private static final List<String> PAYLOADS = payloads();

  private static final String PAYLOAD = PAYLOADS.getFirst();

  private ScavengeMeasure() {}

  public static void main(String[] args) throws Exception {
    int streams = args.length > 0 ? Integer.parseInt(args[0]) : 400;
    int perStream = args.length > 1 ? Integer.parseInt(args[1]) : 500;
    long reclaimBytesPerSecond =
        args.length > 2
            ? Long.parseLong(args[2]) << 20
            : RocksDbConfig.DEFAULT_RECLAIM_BYTES_PER_SECOND;
    run(streams, perStream, reclaimBytesPerSecond, System.out);
  }

  public static void run(int streams, int perStream, long reclaimBytesPerSecond, PrintStream out)
      throws Exception {
    Path scratch = Files.createTempDirectory("factum-scavenge");
    try {
      Path data = scratch.resolve("data");
      RocksDbStorage storage =
          RocksDbStorage.open(
              data, RocksDbConfig.DEFAULT.withReclaimBytesPerSecond(reclaimBytesPerSecond));
      try (FactumStore store = FactumStore.open(storage)) {
        fill(store, "exp", streams, perStream);
        storage.reclaimAllSpace(); // compact: the baseline holds no overwritten data either
        long before = directoryBytes(data);
        ScavengeStatus run = scavenge(store, 10_000_000);
        long after = directoryBytes(data);
        double seconds = Duration.between(run.startedAt(), run.finishedAt()).toNanos() / 1e9;
        long total = (long) streams * perStream;
        out.printf(
            Locale.ROOT,
            "| %,d events, %d%% expired (%,d streams, maxCount %d, 200-byte random payloads) | disk %,d → %,d bytes"
                + " (%.2f× of before; the expired share was %.2f) |%n",
            total,
            100 * run.eventsRemoved() / total,
            streams,
            perStream / 5,
            before,
            after,
            after / (double) before,
            1 - run.eventsRemoved() / (double) total);
        out.printf(
            Locale.ROOT,
            "| scavenging, unthrottled, compaction (paced at %s) included | %,.0f events/s,"
                + " %.1f MB/s of payload (%,d events, %,d payload bytes in %.2f s) |%n",
            reclaimBytesPerSecond == 0
                ? "no limit"
                : String.format(Locale.ROOT, "%d MiB/s", reclaimBytesPerSecond >> 20),
            run.eventsRemoved() / seconds,
            run.bytesRemoved() / seconds / 1e6,
            run.eventsRemoved(),
            run.bytesRemoved(),
            seconds);

        double[] quiet = appendLatencies(store, "quiet", () -> false);
        fill(store, "exp2", streams, perStream);
        AtomicBoolean scavenging = new AtomicBoolean(true);
        store.startScavenge(0);
        Thread watcher =
            Thread.ofPlatform()
                .start(
                    () -> {
                      while (store.scavengeStatus().isRunning()) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                      }
                      scavenging.set(false);
                    });
        double[] busy = appendLatencies(store, "busy", () -> !scavenging.get());
        boolean overlapped = scavenging.get();
        watcher.join();
        out.printf(
            Locale.ROOT,
            "| append p99, %d threads, single events, %d s | without scavenging %.2f ms (p50 %.2f);"
                + " during a scavenge at 50,000 events/s %.2f ms (p50 %.2f): %.2f× %s|%n",
            APPENDERS,
            WINDOW.toSeconds(),
            quiet[1],
            quiet[0],
            busy[1],
            busy[0],
            busy[1] / quiet[1],
            overlapped ? "(the scavenge outlasted the window) " : "(the scavenge ended first) ");
      }
    } finally {
      deleteTree(scratch);
    }
  }

  private static void fill(FactumStore store, String prefix, int streams, int perStream) {
    List<EventData> batch =
        IntStream.range(0, 100).mapToObj(i -> EventData.json("Added", PAYLOADS.get(i))).toList();
    for (int s = 0; s < streams; s++) {
      String stream = prefix + "-" + s;
      for (int written = 0; written < perStream; written += batch.size()) {
        store.append(
            stream,
            ExpectedRevision.any(),
            batch.subList(0, Math.min(batch.size(), perStream - written)));
      }
      store.setStreamMetadata(
          stream, ExpectedRevision.any(), StreamMetadata.NONE.withMaxCount((long) perStream / 5));
    }
  }

  private static List<String> payloads() {
    Random random = new Random(17);
    List<String> all = new ArrayList<>();
    for (int p = 0; p < 100; p++) {
      StringBuilder pad = new StringBuilder();
      for (int i = 0; i < 188; i++) {
        pad.append((char) ('a' + random.nextInt(26)));
      }
      all.add("{\"pad\":\"" + pad + "\"}");
    }
    return List.copyOf(all);
  }

  private static ScavengeStatus scavenge(FactumStore store, long rate) {
    long before = store.scavengeStatus().runId();
    store.startScavenge(rate);
    while (store.scavengeStatus().runId() == before || store.scavengeStatus().isRunning()) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    return store.scavengeStatus();
  }

  /** p50 and p99 in ms of single-event appends over the window (or until {@code stop}). */
  private static double[] appendLatencies(FactumStore store, String prefix, BooleanSupplier stop)
      throws InterruptedException {
    long end = System.nanoTime() + WINDOW.toNanos();
    List<long[]> perThread = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < APPENDERS; t++) {
      long[] samples = new long[2_000_000];
      perThread.add(samples);
      int thread = t;
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    int n = 0;
                    List<EventData> one = List.of(EventData.json("Added", PAYLOAD));
                    while (System.nanoTime() < end && !stop.getAsBoolean() && n < samples.length) {
                      long start = System.nanoTime();
                      store.append(
                          prefix + "-" + thread + "-" + (n % 50), ExpectedRevision.any(), one);
                      samples[n++] = System.nanoTime() - start;
                    }
                    samples[samples.length - 1] = n; // count in the last slot
                  }));
    }
    for (Thread thread : threads) {
      thread.join();
    }
    List<Long> all = new ArrayList<>();
    for (long[] samples : perThread) {
      int n = (int) samples[samples.length - 1];
      for (int i = 0; i < n; i++) {
        all.add(samples[i]);
      }
    }
    long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
    return new double[] {
      sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6
    };
  }

  private static long directoryBytes(Path directory) throws IOException {
    try (Stream<Path> files = Files.walk(directory)) {
      return files.filter(Files::isRegularFile).mapToLong(ScavengeMeasure::size).sum();
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0; // removed meanwhile (an obsolete table file)
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
