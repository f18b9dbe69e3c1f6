package dev.factum.bench.load;

import com.sun.management.OperatingSystemMXBean;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.engine.FactumStore;
import dev.factum.engine.MasterKey;
import dev.factum.engine.StoreOptions;
import dev.factum.storage.rocksdb.RocksDbConfig;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * {@code bin/bench shred [SECONDS]}: append throughput with crypto-shredding on against off, in the
 * same run, on one embedded RocksDB store opened with a master key: 64 writers appending 200-byte
 * JSON events, 1 and then 10 per append, each writer to its own stream. "Off" appends events
 * without a subject, "on" the same events each naming one of 1,024 subjects (keys created in a
 * warm-up, as in a store that has seen its subjects before). Windows of {@code SECONDS} (default 5)
 * alternate off, on, off, on, so drift of a shared machine falls on both; the ratio is of the sums.
 * Each row also gives the process's CPU time per event in each mode (all threads: appenders, the
 * writer, RocksDB's, the collector's): on a machine shared with other work, throughput swings with
 * the neighbours, while CPU per event is what encryption itself adds, and its ratio is the
 * throughput ratio a machine bound by its cores would see. That CPU is split into the appending
 * threads' (where sealing runs), the single writer's (which stores the larger sealed value) and the
 * rest (RocksDB's threads, the collector's, this measure's), so a change can be placed.
 */
public final class ShredMeasure {
  private static final int WRITERS = 64;
  private static final int MAX_SUBJECTS = 1024;
  private static final String[] SUBJECTS = new String[MAX_SUBJECTS];

  static {
    for (int i = 0; i < MAX_SUBJECTS; i++) {
      SUBJECTS[i] = "user-" + i;
    }
  }

  private ShredMeasure() {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
    run(seconds, MAX_SUBJECTS, System.out);
  }

  /** Runs both batch sizes over {@code subjects} subjects and prints one Markdown row each. */
  public static void run(double seconds, int subjects, PrintStream out) throws Exception {
    if (subjects < 1 || subjects > MAX_SUBJECTS) {
      throw new IllegalArgumentException("subjects must be 1 to " + MAX_SUBJECTS);
    }
    Path scratch = Files.createTempDirectory("factum-shred");
    StoreOptions options = StoreOptions.DEFAULT.withMasterKey(MasterKey.generate());
    try (FactumStore store =
        RocksDbEventStore.open(scratch.resolve("store"), options, RocksDbConfig.DEFAULT)) {
      for (int subject = 0; subject < subjects; subject++) {
        store.append(
            "warm-" + subject,
            ExpectedRevision.any(),
            List.of(event(subject, subjects, subject).withSubject(SUBJECTS[subject])));
      }
      for (int batch : new int[] {1, 10}) {
        window(store, batch, 0, seconds / 2);
        window(store, batch, subjects, seconds / 2);
        Window off = new Window();
        Window on = new Window();
        for (int round = 0; round < 2; round++) {
          off.add(window(store, batch, 0, seconds));
          on.add(window(store, batch, subjects, seconds));
        }
        out.printf(
            Locale.ROOT,
            "| 64 writers × %d event%s | off %,.0f events/s | on %,.0f events/s | %.2f× |"
                + " CPU/event off %.1f µs, on %.1f µs: %.2f× | appenders off %.1f µs, on %.1f µs;"
                + " writer off %.1f µs, on %.1f µs; rest off %.1f µs, on %.1f µs |%n",
            batch,
            batch == 1 ? "" : "s",
            off.rate(),
            on.rate(),
            on.rate() / off.rate(),
            off.cpuMicrosPerEvent(),
            on.cpuMicrosPerEvent(),
            off.cpuMicrosPerEvent() / on.cpuMicrosPerEvent(),
            off.micros(off.appenderNanos),
            on.micros(on.appenderNanos),
            off.micros(off.writerNanos),
            on.micros(on.writerNanos),
            off.micros(off.cpuNanos - off.appenderNanos - off.writerNanos),
            on.micros(on.cpuNanos - on.appenderNanos - on.writerNanos));
      }
    } finally {
      try (Stream<Path> paths = Files.walk(scratch)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }

  /**
   * One event; with a subject (of {@code subjects}) unless {@code subjects} is 0. The subjects'
   * names are made once, as an application has its subject at hand: building the name per event
   * would charge the measure's own string work to "on".
   */
  private static EventData event(int writer, int subjects, long n) {
    byte[] data =
        ("{\"writer\":"
                + writer
                + ",\"n\":"
                + n
                + ",\"name\":\"someone's personal data\",\"pad\":\""
                + "x".repeat(120)
                + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    String subject = subjects == 0 ? null : SUBJECTS[(int) ((writer * 31L + n) % subjects)];
    return new EventData(null, "Happened", EventData.JSON, data, null, Set.of(), subject);
  }

  /**
   * What the windows of one mode did: events, seconds, and CPU nanoseconds: the process's, the
   * appending threads' and the writer thread's.
   */
  private static final class Window {
    long events;
    double seconds;
    long cpuNanos;
    long appenderNanos;
    long writerNanos;

    void add(Window other) {
      events += other.events;
      seconds += other.seconds;
      cpuNanos += other.cpuNanos;
      appenderNanos += other.appenderNanos;
      writerNanos += other.writerNanos;
    }

    double micros(long nanos) {
      return nanos / 1e3 / events;
    }

    double rate() {
      return events / seconds;
    }

    double cpuMicrosPerEvent() {
      return cpuNanos / 1e3 / events;
    }
  }

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** The CPU time of the store's single writer thread ({@code factum-writer}), 0 if not found. */
  private static long writerCpuNanos() {
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().equals("factum-writer")) {
        return Math.max(0, THREADS.getThreadCpuTime(thread.threadId()));
      }
    }
    return 0;
  }

  private static long processCpuNanos() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** One window of 64 writers appending: events, seconds and CPU time. */
  private static Window window(FactumStore store, int batch, int subjects, double seconds)
      throws InterruptedException {
    AtomicBoolean stop = new AtomicBoolean();
    LongAdder appended = new LongAdder();
    LongAdder appenderNanos = new LongAdder();
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      int writer = w;
      writers.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    long cpu = THREADS.getCurrentThreadCpuTime();
                    long n = 0;
                    while (!stop.get()) {
                      List<EventData> events = new ArrayList<>(batch);
                      for (int i = 0; i < batch; i++) {
                        events.add(event(writer, subjects, n++));
                      }
                      store.append("w-" + writer, ExpectedRevision.any(), events);
                      appended.add(batch);
                    }
                    appenderNanos.add(THREADS.getCurrentThreadCpuTime() - cpu);
                  }));
    }
    long started = System.nanoTime();
    long cpuStarted = processCpuNanos();
    long writerStarted = writerCpuNanos();
    Thread.sleep((long) (seconds * 1000));
    stop.set(true);
    for (Thread writer : writers) {
      writer.join();
    }
    Window window = new Window();
    window.cpuNanos = processCpuNanos() - cpuStarted;
    window.writerNanos = writerCpuNanos() - writerStarted;
    window.appenderNanos = appenderNanos.sum();
    window.seconds = (System.nanoTime() - started) / 1e9;
    window.events = appended.sum();
    return window;
  }
}
