package dev.factum.bench.soak;

import dev.factum.bench.http.HttpClientKind;
import dev.factum.bench.load.DataDirectory;
import dev.factum.bench.load.Progress;
import dev.factum.engine.FactumStore;
import dev.factum.server.FactumServer;
import dev.factum.server.ServerConfig;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code bin/bench soak}: a mixed load ({@link SoakLoad}) against a real HTTP server on a RocksDB
 * store for a chosen duration, reporting throughput, live heap and errors once per interval.
 *
 * <p>Design note: the server runs in this JVM, so its heap can be measured exactly and cheaply:
 * before each sample the run asks for a full collection and then reads the heap in use, i.e. what
 * is still reachable ({@link HeapTrend} judges the series). The load generator shares that heap; it
 * holds only counters and one current head per writer slot, so it cannot hide a server leak nor
 * fake one. The resident set size (RocksDB's memory is off the Java heap) is printed beside it for
 * the reader; only the heap is judged. The run fails (exit 1) on any error the load saw or a heap
 * that kept growing.
 */
public final class SoakRun {
  /** One reporting interval. */
  record Sample(
      double atSeconds,
      double appendsPerSecond,
      double eventsPerSecond,
      double loadsPerSecond,
      long subscriptionsOpened,
      long subscriptionsClosed,
      double deliveredPerSecond,
      long liveHeapBytes,
      long rssBytes,
      long errors) {}

  /** The whole run. */
  record Result(
      SoakOptions options,
      long seed,
      ZonedDateTime startedAt,
      List<Sample> samples,
      long appends,
      long events,
      long loads,
      long subscriptions,
      long delivered,
      long errors,
      List<String> firstErrors,
      HeapTrend heap) {
    boolean passed() {
      return errors == 0 && heap.flat() && appends > 0;
    }
  }

  private SoakRun() {}

  static Result run(SoakOptions options, long seed, Progress progress)
      throws IOException, InterruptedException {
    ZonedDateTime startedAt = ZonedDateTime.now(ZoneId.systemDefault());
    progress.say(
        "soak: %s, %d writers, %d readers, %d subscribers, seed %d (replay with --seed)",
        human(options.duration()),
        options.writers(),
        options.readers(),
        options.subscribers(),
        seed);
    try (DataDirectory directory = DataDirectory.create(options.dataParent());
        FactumStore store = RocksDbEventStore.open(directory.path().resolve("store"))) {
      FactumServer server = FactumServer.start(store, ServerConfig.DEFAULT.withPort(0));
      HttpClientKind.Connector connector = HttpClientKind.RAW.connector(server.uri());
      SoakLoad load = new SoakLoad(connector, seed);
      List<Sample> samples = new ArrayList<>();
      try {
        load.start(options);
        long started = System.nanoTime();
        long end = started + options.duration().toNanos();
        long[] before = counters(load);
        long previous = started;
        while (System.nanoTime() < end) {
          long next = Math.min(end, previous + options.interval().toNanos());
          while (System.nanoTime() < next) {
            LockSupport.parkNanos(next - System.nanoTime());
          }
          long now = System.nanoTime();
          long[] after = counters(load);
          double seconds = (now - previous) / 1e9;
          System.gc();
          long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
          Sample sample =
              new Sample(
                  (now - started) / 1e9,
                  (after[0] - before[0]) / seconds,
                  (after[1] - before[1]) / seconds,
                  (after[2] - before[2]) / seconds,
                  after[3] - before[3],
                  after[4] - before[4],
                  (after[5] - before[5]) / seconds,
                  heap,
                  residentSetBytes(),
                  after[6]);
          samples.add(sample);
          progress.say(
              "%6.0f s: %7.0f appends/s %7.0f events/s %6.0f loads/s, subscriptions +%d -%d,"
                  + " %7.0f delivered/s, live heap %.1f MiB, RSS %.0f MiB, errors %d",
              sample.atSeconds(),
              sample.appendsPerSecond(),
              sample.eventsPerSecond(),
              sample.loadsPerSecond(),
              sample.subscriptionsOpened(),
              sample.subscriptionsClosed(),
              sample.deliveredPerSecond(),
              heap / 1048576.0,
              sample.rssBytes() / 1048576.0,
              sample.errors());
          before = after;
          previous = now;
        }
      } finally {
        load.stop();
        server.close();
        connector.close();
      }
      long[] total = counters(load);
      HeapTrend heap =
          HeapTrend.of(
              samples.stream().map(Sample::liveHeapBytes).toList(),
              options.heapGrowthMiB() << 20,
              options.heapGrowthPercent());
      return new Result(
          options,
          seed,
          startedAt,
          samples,
          total[0],
          total[1],
          total[2],
          total[3],
          total[5],
          total[6],
          List.copyOf(load.firstErrors),
          heap);
    }
  }

  private static long[] counters(SoakLoad load) {
    return new long[] {
      load.appends.sum(),
      load.events.sum(),
      load.loads.sum(),
      load.subscriptionsOpened.sum(),
      load.subscriptionsClosed.sum(),
      load.delivered.sum(),
      load.errors.get()
    };
  }

  /** VmRSS from /proc (Linux); -1 where there is none. */
  private static long residentSetBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  static String markdown(Result r) {
    StringBuilder out = new StringBuilder();
    double seconds = r.options().duration().toMillis() / 1000.0;
    out.append(
        String.format(
            Locale.ROOT,
            "# Soak run %s%n%n%s, %d writers, %d readers, %d subscribers, seed %d: **%s**%n%n",
            r.startedAt().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
            human(r.options().duration()),
            r.options().writers(),
            r.options().readers(),
            r.options().subscribers(),
            r.seed(),
            r.passed() ? "passed" : "FAILED"));
    out.append(
        String.format(
            Locale.ROOT,
            "- appends: %d (%.0f/s), events: %d (%.0f/s)%n- stream loads: %d (%.0f/s)%n"
                + "- subscriptions opened and closed: %d, events delivered: %d%n- errors: %d%n"
                + "- heap: %s%n%n",
            r.appends(),
            r.appends() / seconds,
            r.events(),
            r.events() / seconds,
            r.loads(),
            r.loads() / seconds,
            r.subscriptions(),
            r.delivered(),
            r.errors(),
            r.heap().text()));
    out.append(
        "| at s | appends/s | events/s | loads/s | subs joined | subs left | delivered/s |"
            + " live heap MiB | RSS MiB | errors |\n");
    out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Sample s : r.samples()) {
      out.append(
          String.format(
              Locale.ROOT,
              "| %.0f | %.0f | %.0f | %.0f | %d | %d | %.0f | %.1f | %.0f | %d |%n",
              s.atSeconds(),
              s.appendsPerSecond(),
              s.eventsPerSecond(),
              s.loadsPerSecond(),
              s.subscriptionsOpened(),
              s.subscriptionsClosed(),
              s.deliveredPerSecond(),
              s.liveHeapBytes() / 1048576.0,
              s.rssBytes() / 1048576.0,
              s.errors()));
    }
    if (!r.firstErrors().isEmpty()) {
      out.append("\nFirst errors:\n\n");
      for (String e : r.firstErrors()) {
        out.append("- ").append(e).append('\n');
      }
    }
    return out.toString();
  }

  /** {@code bin/bench soak ...}: runs, prints and writes the report; exits 1 unless it passed. */
  public static int main(String[] args, Path resultsDirectory)
      throws IOException, InterruptedException {
    SoakOptions options;
    try {
      options = SoakOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench soak: " + e.getMessage());
      System.err.print(SoakOptions.USAGE);
      return 2;
    }
    long seed = options.seed() != null ? options.seed() : ThreadLocalRandom.current().nextLong();
    Result result = run(options, seed, new Progress(System.err));
    String markdown = markdown(result);
    Files.createDirectories(resultsDirectory);
    Path file =
        resultsDirectory.resolve(
            "soak-"
                + result.startedAt().format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss"))
                + ".md");
    Files.writeString(file, markdown, StandardCharsets.UTF_8);
    System.out.print(markdown);
    System.out.flush();
    System.err.println("[bench] soak report written to " + file);
    return result.passed() ? 0 : 1;
  }

  static String human(Duration d) {
    long s = d.toSeconds();
    return s % 3600 == 0 && s > 0
        ? s / 3600 + "h"
        : s % 60 == 0 && s > 0 ? s / 60 + "m" : d.toMillis() / 1000.0 + "s";
  }
}
