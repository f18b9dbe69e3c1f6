package dev.factum.bench.serialized;

import dev.factum.bench.BenchOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The options of {@code bin/bench serialized}.
 *
 * @param threads concurrent writers of the save figures (each its own aggregates or streams)
 * @param saves requests each writer makes in one measured round of a save figure
 * @param feedEvents events written (in batches of {@link SerializedRun#FEED_BATCH}) for the feed
 *     reads
 * @param lagSamples projection updates timed from the save's answer to the document showing it
 * @param rounds rounds of each rate figure, the first a warm-up (at least 2)
 */
record SerializedOptions(
    int threads,
    int saves,
    int feedEvents,
    int lagSamples,
    int rounds,
    Path dataParent,
    Path results) {
  static final String USAGE =
      """
      Usage: bin/bench serialized [options]
      The Serialized-compatible API over HTTP against the native one, same server, same run
      (docs/BENCHMARKS.md "Serialized API"): aggregate saves (new aggregates, and updates with
      expectedVersion) against native appends of the same events with the same concurrency; feed
      reads (_all and one aggregate type) against native /all reads of the same events; and the
      lag from a save's answer to a projection document (set and inc handlers) showing it, p50/p99,
      while other writers keep saving.
        --threads N      concurrent writers (default 8)
        --saves N        requests per writer per round (default 1000)
        --feed-events N  events in the feeds read (default 200000)
        --lag-samples N  timed projection updates (default 2000)
        --rounds N       rounds of each rate, the first a warm-up (default 4, at least 2)
        --dir DIR        where the store lives (default the system temp dir)
        --results DIR    where the report is written (default bench-results)
        --smoke          a tiny run: 2 writers, 20 saves, 500 feed events, 20 lag samples,
                         2 rounds
      """;

  static SerializedOptions parse(String... args) {
    List<String> rest = new ArrayList<>(Arrays.asList(args));
    int threads = 8;
    int saves = 1_000;
    int feedEvents = 200_000;
    int lagSamples = 2_000;
    int rounds = 4;
    Path dir = Path.of(System.getProperty("java.io.tmpdir"));
    Path results = Path.of("bench-results");
    while (!rest.isEmpty()) {
      String option = rest.removeFirst();
      switch (option) {
        case "--threads" -> threads = positive(option, BenchOptions.value(option, rest));
        case "--saves" -> saves = positive(option, BenchOptions.value(option, rest));
        case "--feed-events" -> feedEvents = positive(option, BenchOptions.value(option, rest));
        case "--lag-samples" -> lagSamples = positive(option, BenchOptions.value(option, rest));
        case "--rounds" -> rounds = positive(option, BenchOptions.value(option, rest));
        case "--dir" -> dir = Path.of(BenchOptions.value(option, rest));
        case "--results" -> results = Path.of(BenchOptions.value(option, rest));
        case "--smoke" -> {
          threads = 2;
          saves = 20;
          feedEvents = 500;
          lagSamples = 20;
          rounds = 2;
        }
        default -> throw new IllegalArgumentException("unknown option " + option);
      }
    }
    if (rounds < 2) {
      throw new IllegalArgumentException("--rounds must be at least 2 (the first is a warm-up)");
    }
    return new SerializedOptions(threads, saves, feedEvents, lagSamples, rounds, dir, results);
  }

  private static int positive(String option, String value) {
    int parsed;
    try {
      parsed = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs a whole number, got '" + value + "'");
    }
    if (parsed <= 0) {
      throw new IllegalArgumentException(option + " must be at least 1");
    }
    return parsed;
  }
}
