package dev.factum.bench.load;

import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamState;
import dev.factum.engine.spi.CommitBatch;
import dev.factum.engine.spi.StoreRecord;
import dev.factum.engine.spi.StreamHead;
import dev.factum.storage.rocksdb.RocksDbStorage;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * {@code bin/bench record-keys [SECONDS [ROUNDS]]}: what a store record per event costs a synced
 * commit, by the length of its key. One thread calls {@link RocksDbStorage#commit} with batches of
 * eight one-event appends (the group commit of the groups bench's 16 handler threads), each event
 * with no record, or with one record whose namespace and key together are 74 bytes (a consumer
 * group's {@code done/P} record), 41 (the shortest names that keep the group's incarnation whole)
 * or 14 (a floor), taking turns window by window. It reports the median over the rounds of the wall
 * time and the calling thread's CPU time (the kernel's part of the fsync included) per commit.
 *
 * <p>Why it exists: an ack-append writes such a record in every commit of its handler's output, so
 * the record's cost is the ack-append's cost against a plain append (issue 12), and whether a
 * shorter key would pay is a question of its length. The disk is shared and its sync time swings,
 * hence the turns and medians; compare the lengths inside one run, and over several runs.
 */
public final class RecordKeyMeasure {
  private static final int APPENDS_PER_BATCH = 8;
  private static final int STREAMS = 10_000;
  private static final int[] KEY_BYTES = {0, 74, 41, 14};
  private static final byte[] DATA = CommitTiming.payload();
  private static final byte[] RECORD_VALUE = {1, 3};

  private final SplittableRandom random = new SplittableRandom(12);
  private final Map<String, Long> revisions = new HashMap<>();
  private long position;

  private RecordKeyMeasure() {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.5;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 12;
    run(seconds, rounds, System.out);
  }

  public static void run(double seconds, int rounds, PrintStream out) throws Exception {
    try (DataDirectory data = DataDirectory.create(Path.of(System.getProperty("java.io.tmpdir")));
        RocksDbStorage storage = RocksDbStorage.open(data.path())) {
      RecordKeyMeasure measure = new RecordKeyMeasure();
      measure.window(storage, 74, 2); // warm-up, not reported
      double[][] wall = new double[KEY_BYTES.length][rounds];
      double[][] cpu = new double[KEY_BYTES.length][rounds];
      for (int round = 0; round < rounds; round++) {
        for (int turn = 0; turn < KEY_BYTES.length; turn++) {
          int side = (turn + round) % KEY_BYTES.length; // each length goes first in turn
          double[] result = measure.window(storage, KEY_BYTES[side], seconds);
          wall[side][round] = result[0];
          cpu[side][round] = result[1];
        }
      }
      out.printf(
          Locale.ROOT,
          "%d rounds of %.1f s; synced commits of %d one-event appends%n",
          rounds,
          seconds,
          APPENDS_PER_BATCH);
      out.println("| record per event | wall µs per commit | CPU µs per commit | wall − none |");
      out.println("|---|---:|---:|---:|");
      double none = median(wall[0]);
      for (int side = 0; side < KEY_BYTES.length; side++) {
        out.printf(
            Locale.ROOT,
            "| %s | %.1f | %.1f | %+.1f |%n",
            KEY_BYTES[side] == 0 ? "none" : KEY_BYTES[side] + "-byte key",
            median(wall[side]),
            median(cpu[side]),
            median(wall[side]) - none);
      }
    }
  }

  /** Commits for {@code seconds}; returns wall and CPU µs per commit. */
  private double[] window(RocksDbStorage storage, int keyBytes, double seconds) {
    CommitTiming.Window w = CommitTiming.window(storage, () -> batch(keyBytes), seconds);
    return new double[] {w.wallNanos() / 1e3 / w.commits(), w.cpuNanos() / 1e3 / w.commits()};
  }

  private CommitBatch batch(int keyBytes) {
    List<RecordedEvent> events = new ArrayList<>(APPENDS_PER_BATCH);
    Map<String, StreamHead> heads = new HashMap<>();
    List<StoreRecord> records = new ArrayList<>();
    Instant now = Instant.now();
    for (int append = 0; append < APPENDS_PER_BATCH; append++) {
      String stream = "out-" + random.nextInt(STREAMS);
      if (heads.containsKey(stream)) {
        continue; // one append per stream and batch, as the writer's expected-revision check has it
      }
      long revision = revisions.getOrDefault(stream, -1L) + 1;
      revisions.put(stream, revision);
      long at = position++;
      events.add(
          new RecordedEvent(
              new UUID(random.nextLong(), random.nextLong()),
              stream,
              revision,
              at,
              now,
              "Handled",
              "application/json",
              DATA,
              null,
              null));
      heads.put(stream, new StreamHead(revision, at, 0, StreamState.Status.ACTIVE));
      if (keyBytes > 0) {
        records.add(record(keyBytes, at));
      }
    }
    return new CommitBatch(events, heads, records, List.of());
  }

  /**
   * A record whose namespace, separator and key are {@code keyBytes} long: a fixed namespace of a
   * third of them and the position, zero-padded, as the key (so keys ascend, as done records do).
   */
  private static StoreRecord record(int keyBytes, long at) {
    int namespaceBytes = Math.max(8, keyBytes / 3);
    char[] fill = new char[namespaceBytes - "factum.".length()];
    Arrays.fill(fill, 'n');
    String namespace = "factum." + new String(fill);
    int digits = keyBytes - namespaceBytes - 1;
    String key = String.format(Locale.ROOT, "%0" + digits + "d", at);
    return new StoreRecord(namespace, key, 1, RECORD_VALUE);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
