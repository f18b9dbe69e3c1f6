package dev.factum.bench.compare.transport;

import dev.factum.bench.BenchOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The options of {@code bin/bench transport}.
 *
 * @param events events the sink forwards (and the producer baseline sends)
 * @param latencyEvents single-event appends timed from append to consumer
 * @param latencyRate appends per second while the latency is measured
 * @param factumJar the CLI's runnable jar, run as a child process for the import
 */
record TransportOptions(
    long events,
    int latencyEvents,
    int latencyRate,
    Path factumJar,
    Path dataParent,
    Path resultsDirectory) {
  static final String USAGE =
      """
      Usage: bin/bench transport [options]
      Kafka as Factum's transport: the Kafka sink's forwarding rate against Kafka's own producer
      (same broker, same run), append-to-consumer latency through the sink, and the rate of
      factum import --from-kafka (docs/BENCHMARKS.md "Kafka as transport").
        --events N          events forwarded and produced (default 1000000)
        --latency-events N  appends timed from append to a read_committed consumer (default 5000)
        --latency-rate N    appends per second meanwhile (default 500)
        --factum-jar PATH   the CLI jar for the import (default factum-cli/target/factum.jar)
        --dir DIR           where the broker and the stores live (default the system temp dir)
        --results DIR       where the report is written (default bench-results)
        --smoke             a tiny run: 5000 events, 200 timed appends
      """;

  static TransportOptions parse(String... args) {
    List<String> rest = new ArrayList<>(Arrays.asList(args));
    long events = 1_000_000;
    int latencyEvents = 5_000;
    int latencyRate = 500;
    Path jar = Path.of("factum-cli", "target", "factum.jar");
    Path dir = Path.of(System.getProperty("java.io.tmpdir"));
    Path results = Path.of("bench-results");
    while (!rest.isEmpty()) {
      String option = rest.removeFirst();
      switch (option) {
        case "--events" -> events = positive(option, BenchOptions.value(option, rest));
        case "--latency-events" ->
            latencyEvents = (int) positive(option, BenchOptions.value(option, rest));
        case "--latency-rate" ->
            latencyRate = (int) positive(option, BenchOptions.value(option, rest));
        case "--factum-jar" -> jar = Path.of(BenchOptions.value(option, rest));
        case "--dir" -> dir = Path.of(BenchOptions.value(option, rest));
        case "--results" -> results = Path.of(BenchOptions.value(option, rest));
        case "--smoke" -> {
          events = 5_000;
          latencyEvents = 200;
        }
        default -> throw new IllegalArgumentException("unknown option " + option);
      }
    }
    return new TransportOptions(events, latencyEvents, latencyRate, jar, dir, results);
  }

  private static long positive(String option, String value) {
    long parsed;
    try {
      parsed = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs a whole number, got '" + value + "'");
    }
    if (parsed <= 0 || parsed > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(option + " must be between 1 and " + Integer.MAX_VALUE);
    }
    return parsed;
  }
}
