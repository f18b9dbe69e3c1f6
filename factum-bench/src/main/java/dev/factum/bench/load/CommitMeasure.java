package dev.factum.bench.load;

import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamState;
import dev.factum.engine.spi.CommitBatch;
import dev.factum.engine.spi.StreamHead;
import dev.factum.storage.rocksdb.RocksDbStorage;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * {@code bin/bench commit [SECONDS [ROUNDS]]}: the embedded writer's commit alone, without the
 * pipeline: one thread calls {@link RocksDbStorage#commit} (synced) with batches shaped like the
 * group commits of the durable-append workload, and reports the calling thread's CPU time and the
 * wall time per event. What the writer thread spends per event is what bounds throughput at 64
 * writers (docs/BENCHMARKS.md, "Where the time goes"), and this isolates it from the appenders, the
 * completer and the GC of a whole run.
 *
 * <p>Two shapes: 48 one-event appends (48 random streams among 10,000, one event each: the batch of
 * 64 writers × 1 event), and 48 ten-event appends (480 events, 10 consecutive revisions of each
 * stream: 64 × 10). Events are 200-byte JSON with time-ordered ids, as the store generates them.
 * Only the commit call is timed: the batch is built before it. The CPU figure includes the kernel's
 * part of the fsync; compare builds in the same window, alternating, as the disk is shared.
 */
public final class CommitMeasure {
  private static final int STREAMS = 10_000;
  private static final int APPENDS_PER_BATCH = 48;
  private static final byte[] DATA = CommitTiming.payload();

  private final SplittableRandom random = new SplittableRandom(18);
  private final Map<String, Long> revisions = new HashMap<>();
  private long position;

  private CommitMeasure() {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    run(seconds, rounds, System.out);
  }

  public static void run(double seconds, int rounds, PrintStream out) throws Exception {
    try (DataDirectory data = DataDirectory.create(Path.of(System.getProperty("java.io.tmpdir")));
        RocksDbStorage storage = RocksDbStorage.open(data.path())) {
      CommitMeasure measure = new CommitMeasure();
      measure.window(storage, 1, seconds); // warm-up, not reported
      measure.window(storage, 10, seconds);
      out.println("| batch | round | commits | events | writer CPU µs/event | wall µs/event |");
      out.println("|---|---:|---:|---:|---:|---:|");
      for (int round = 1; round <= rounds; round++) {
        for (int eventsPerAppend : new int[] {1, 10}) {
          double[] result = measure.window(storage, eventsPerAppend, seconds);
          out.printf(
              Locale.ROOT,
              "| %d × %d | %d | %.0f | %.0f | %.2f | %.2f |%n",
              APPENDS_PER_BATCH,
              eventsPerAppend,
              round,
              result[0],
              result[1],
              result[2],
              result[3]);
        }
      }
    }
  }

  /** Commits for {@code seconds}; returns commits, events, CPU µs and wall µs per event. */
  private double[] window(RocksDbStorage storage, int eventsPerAppend, double seconds) {
    CommitTiming.Window w = CommitTiming.window(storage, () -> batch(eventsPerAppend), seconds);
    return new double[] {
      w.commits(), w.events(), w.cpuNanos() / 1e3 / w.events(), w.wallNanos() / 1e3 / w.events()
    };
  }

  private CommitBatch batch(int eventsPerAppend) {
    List<RecordedEvent> events = new ArrayList<>(APPENDS_PER_BATCH * eventsPerAppend);
    Map<String, StreamHead> heads = new HashMap<>();
    Instant now = Instant.now();
    for (int append = 0; append < APPENDS_PER_BATCH; append++) {
      String stream = "order-" + random.nextInt(STREAMS);
      if (heads.containsKey(stream)) {
        continue; // one append per stream and batch, as the writer's expected-revision check has it
      }
      long revision = revisions.getOrDefault(stream, -1L);
      for (int i = 0; i < eventsPerAppend; i++) {
        revision++;
        events.add(
            new RecordedEvent(
                timeOrderedId(now),
                stream,
                revision,
                position++,
                now,
                "OrderPlaced",
                "application/json",
                DATA,
                null,
                null));
      }
      revisions.put(stream, revision);
      heads.put(stream, new StreamHead(revision, position - 1, 0, StreamState.Status.ACTIVE));
    }
    return new CommitBatch(events, heads);
  }

  private UUID timeOrderedId(Instant now) {
    long msb = (now.toEpochMilli() << 16) | 0x7000L | (random.nextInt() & 0x0FFFL);
    long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb);
  }
}
