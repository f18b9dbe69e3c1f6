package dev.factum.bench.soak;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The command line of {@code bin/bench soak}, parsed and checked in one place.
 *
 * @param duration how long the mixed load runs
 * @param interval length of each reporting interval (throughput and heap are sampled once each)
 * @param writers threads appending (single- and multi-stream, exact expected revisions)
 * @param readers threads loading streams
 * @param subscribers SSE subscriptions kept open at once; each joins, reads a while and leaves
 * @param heapGrowthMiB the live-heap growth (MiB) the trend check allows in any case
 * @param heapGrowthPercent the live-heap growth (percent of the start level) allowed when larger
 * @param dataParent where the run directory is made; null for the system temp directory
 * @param seed the seed of the load's choices; null for a random one (printed either way)
 */
public record SoakOptions(
    Duration duration,
    Duration interval,
    int writers,
    int readers,
    int subscribers,
    long heapGrowthMiB,
    int heapGrowthPercent,
    Path dataParent,
    Long seed) {

  public static final String USAGE =
      """
      usage: bin/bench soak [options]
        --duration D          how long to run: 90s, 30m, 2h (default 30m)
        --interval D          reporting interval (default: duration/30, from 1s to 60s)
        --writers N           appending threads (default 4)
        --readers N           stream-loading threads (default 2)
        --subscribers N       SSE subscriptions open at once, each joining and leaving (default 3)
        --heap-growth-mib N   live-heap growth always allowed, MiB (default 32)
        --heap-growth-pct N   live-heap growth allowed as a percentage of the start (default 25)
        --dir PATH            where to put the data (a fresh directory, removed at the end)
        --seed N              replay the load's choices of an earlier run (printed at the start)
      Exits 1 on any error or when the live heap grew beyond both allowances.
      """;

  static SoakOptions parse(String... args) {
    Duration duration = Duration.ofMinutes(30);
    Duration interval = null;
    int writers = 4;
    int readers = 2;
    int subscribers = 3;
    long growthMiB = 32;
    int growthPercent = 25;
    Path dir = null;
    Long seed = null;
    List<String> rest = new ArrayList<>(Arrays.asList(args));
    while (!rest.isEmpty()) {
      String option = rest.removeFirst();
      switch (option) {
        case "--duration" -> duration = parseDuration(option, value(option, rest));
        case "--interval" -> interval = parseDuration(option, value(option, rest));
        case "--writers" -> writers = count(option, value(option, rest), 1);
        case "--readers" -> readers = count(option, value(option, rest), 0);
        case "--subscribers" -> subscribers = count(option, value(option, rest), 0);
        case "--heap-growth-mib" -> growthMiB = count(option, value(option, rest), 0);
        case "--heap-growth-pct" -> growthPercent = count(option, value(option, rest), 0);
        case "--dir" -> dir = Path.of(value(option, rest));
        case "--seed" -> seed = parseSeed(value(option, rest));
        default -> throw new IllegalArgumentException("unknown option '" + option + "'");
      }
    }
    if (interval == null) {
      long millis = Math.clamp(duration.toMillis() / 30, 1_000, 60_000);
      interval = Duration.ofMillis(millis);
    }
    if (interval.compareTo(duration) > 0) {
      throw new IllegalArgumentException("--interval must not be longer than --duration");
    }
    return new SoakOptions(
        duration, interval, writers, readers, subscribers, growthMiB, growthPercent, dir, seed);
  }

  /** {@code 90s}, {@code 30m}, {@code 2h}, {@code 500ms}; a bare number is seconds. */
  static Duration parseDuration(String option, String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      Duration d;
      if (t.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      } else if (t.endsWith("s")) {
        d = Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
      } else if (t.endsWith("m")) {
        d = Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
      } else if (t.endsWith("h")) {
        d = Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
      } else {
        d = Duration.ofSeconds(Long.parseLong(t));
      }
      if (d.toMillis() < 100) {
        throw new IllegalArgumentException(option + " must be at least 100ms, was " + text);
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          option + " must look like 90s, 30m or 2h, was '" + text + "'");
    }
  }

  private static long parseSeed(String text) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--seed must be a whole number, was '" + text + "'");
    }
  }

  private static int count(String option, String text, int min) {
    try {
      int n = Integer.parseInt(text);
      if (n < min || n > 1_000) {
        throw new IllegalArgumentException(
            option + " must be from " + min + " to 1000, was " + text);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be a whole number, was '" + text + "'");
    }
  }

  private static String value(String option, List<String> rest) {
    if (rest.isEmpty() || rest.getFirst().startsWith("--")) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return rest.removeFirst();
  }
}
