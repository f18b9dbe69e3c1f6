package dev.factum.bench.load;

import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.engine.FactumStore;
import dev.factum.engine.PipelineStats;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Durable appends: N platform threads, each appending {@link Payloads#SIZE}-byte JSON events to a
 * random one of {@link #STREAMS} streams with {@code ExpectedRevision.any()}, waiting for each
 * append to be durable before sending the next.
 *
 * <p>Each variant gets a fresh store (deleted afterwards), so no variant inherits another's
 * memtables or compaction debt. The average batch comes from {@link FactumStore#pipelineStats()}:
 * the difference of its counters across the measurement window, i.e. events per group commit; so
 * does the mean time the writer spends inside the storage's commit (build the RocksDB write batch,
 * write it with sync=true).
 */
public final class DurableAppends {
  public static final int STREAMS = 10_000;

  /** Writers and events per append of each variant, in the order they run. */
  public static final List<Variant> VARIANTS =
      List.of(new Variant(1, 1), new Variant(16, 1), new Variant(64, 1), new Variant(64, 10));

  public record Variant(int writers, int eventsPerAppend) {}

  /**
   * One variant's figures.
   *
   * @param commits group commits (storage writes) during the window
   * @param committedEvents events in those commits
   * @param commitNanos time the writer spent inside the storage's commit for them
   * @param cpu CPU time of the process and of the writer thread during the window
   */
  public record Result(
      Variant variant,
      ClosedLoop.Result run,
      long commits,
      long committedEvents,
      long commitNanos,
      CpuMeter.Reading cpu) {
    public double appendsPerSecond() {
      return run.perSecond();
    }

    public double eventsPerSecond() {
      return run.perSecond() * variant.eventsPerAppend();
    }

    public double commitsPerSecond() {
      return commits / (run.elapsedNanos() / 1e9);
    }

    public double averageBatchEvents() {
      return commits == 0 ? Double.NaN : committedEvents / (double) commits;
    }

    /** Mean time of one storage commit (WriteBatch build and sync write), in microseconds. */
    public double averageCommitMicros() {
      return commits == 0 ? Double.NaN : commitNanos / 1_000.0 / commits;
    }

    public LatencySummary latency() {
      return run.summary();
    }

    /** The process's CPU time per committed event, in microseconds. */
    public double processCpuMicrosPerEvent() {
      return committedEvents == 0 ? Double.NaN : cpu.processNanos() / 1_000.0 / committedEvents;
    }

    /** The writer thread's CPU time per committed event, in microseconds. */
    public double writerCpuMicrosPerEvent() {
      return committedEvents == 0 ? Double.NaN : cpu.writerNanos() / 1_000.0 / committedEvents;
    }
  }

  private DurableAppends() {}

  public static List<Result> measure(
      Path runDirectory, Duration warmUp, Duration window, Progress progress)
      throws IOException, InterruptedException {
    Payloads payloads = new Payloads(42);
    String[] streams = streamNames();
    List<Result> results = new ArrayList<>();
    for (Variant variant : VARIANTS) {
      Path directory =
          runDirectory.resolve("append-" + variant.writers() + "x" + variant.eventsPerAppend());
      try (FactumStore store = RocksDbEventStore.open(directory)) {
        Result result = measure(store, variant, streams, payloads, warmUp, window);
        progress.say(
            "durable appends, %d writers x %d events: %s events/s, p99 %s µs, batch %s,"
                + " CPU µs/event %s (writer %s)",
            variant.writers(),
            variant.eventsPerAppend(),
            Fmt.rate(result.eventsPerSecond()),
            Fmt.micros(result.latency().p99()),
            Fmt.decimal(result.averageBatchEvents()),
            Fmt.decimal(result.processCpuMicrosPerEvent()),
            Fmt.decimal(result.writerCpuMicrosPerEvent()));
        results.add(result);
      } finally {
        DataDirectory.deleteTree(directory);
      }
    }
    return results;
  }

  private static Result measure(
      FactumStore store,
      Variant variant,
      String[] streams,
      Payloads payloads,
      Duration warmUp,
      Duration window)
      throws InterruptedException {
    return measure(
        store,
        variant,
        "append-" + variant.writers() + "x" + variant.eventsPerAppend(),
        index ->
            () -> {
              String stream = streams[ThreadLocalRandom.current().nextInt(streams.length)];
              store.append(stream, ExpectedRevision.any(), events(variant, payloads));
            },
        warmUp,
        window);
  }

  /**
   * Runs {@code operations} (each appending {@code variant.eventsPerAppend()} events to {@code
   * store}, in-process or not) on {@code variant.writers()} threads, and takes the store's group
   * commit figures across the window.
   */
  public static Result measure(
      FactumStore store,
      Variant variant,
      String name,
      ClosedLoop.OperationFactory operations,
      Duration warmUp,
      Duration window)
      throws InterruptedException {
    PipelineStats stats = store.pipelineStats();
    PipelineStats.Snapshot[] before = new PipelineStats.Snapshot[1];
    CpuMeter.Reading[] cpuBefore = new CpuMeter.Reading[1];
    ClosedLoop loop = new ClosedLoop(name, variant.writers(), warmUp, window);
    ClosedLoop.Result run =
        loop.run(
            operations,
            () -> {
              before[0] = stats.snapshot();
              cpuBefore[0] = CpuMeter.read();
            });
    PipelineStats.Snapshot after = stats.snapshot();
    CpuMeter.Reading cpu = CpuMeter.read().minus(cpuBefore[0]);
    return new Result(
        variant,
        run,
        after.batches() - before[0].batches(),
        after.events() - before[0].events(),
        after.commitNanos() - before[0].commitNanos(),
        cpu);
  }

  /** The stream names appends go to: {@code order-0} to {@code order-9999}. */
  public static String[] streamNames() {
    String[] streams = new String[STREAMS];
    for (int i = 0; i < STREAMS; i++) {
      streams[i] = "order-" + i;
    }
    return streams;
  }

  public static List<EventData> events(Variant variant, Payloads payloads) {
    if (variant.eventsPerAppend() == 1) {
      return List.of(EventData.json("OrderPlaced", payloads.next()));
    }
    List<EventData> events = new ArrayList<>(variant.eventsPerAppend());
    for (int i = 0; i < variant.eventsPerAppend(); i++) {
      events.add(EventData.json("OrderPlaced", payloads.next()));
    }
    return events;
  }
}
