package dev.factum.bench;

import dev.factum.bench.http.HttpClientKind;
import dev.factum.bench.load.LoadedStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The command line of a run, parsed and checked in one place.
 *
 * @param events size of the stream-load store (a multiple of 100)
 * @param window length of each measurement window
 * @param warmUp load run before each window and not measured
 * @param diskWindow length of each raw-disk measurement (half a window: "a few seconds")
 * @param settleQuiet how long the loaded store's files must stay unchanged to count as settled
 * @param settleMax the longest wait for the loaded store to settle
 * @param dataParent where the run directory is made; null for the system temp directory
 * @param resultsDirectory where the Markdown report is written
 * @param workloads the workloads to run
 * @param httpClient the HTTP client of the HTTP workloads
 * @param tls whether the HTTP workloads run over HTTPS (a throw-away certificate made by openssl)
 * @param dcbEvents events preloaded for the {@code dcb} workload
 * @param groupEvents events the {@code groups} workload's group passes consume
 * @param rounds how many times each side of an interleaved comparison is measured
 * @param smoke tiny sizes and short windows, to check that everything works
 * @param arguments the command line as given, for the report
 */
public record BenchOptions(
    long events,
    Duration window,
    Duration warmUp,
    Duration diskWindow,
    Duration settleQuiet,
    Duration settleMax,
    Path dataParent,
    Path resultsDirectory,
    Set<Workload> workloads,
    HttpClientKind httpClient,
    boolean tls,
    long dcbEvents,
    long groupEvents,
    int rounds,
    boolean smoke,
    List<String> arguments) {

  static final long DEFAULT_EVENTS = 10_000_000;
  static final long SMOKE_EVENTS = 20_000;
  static final long DEFAULT_DCB_EVENTS = 1_000_000;
  static final long SMOKE_DCB_EVENTS = 10_000;
  static final long DEFAULT_GROUP_EVENTS = 1_000_000;
  static final long SMOKE_GROUP_EVENTS = 5_000;

  /** Where reports go by default: bin/bench points it at the repository root. */
  public static final String RESULTS_PROPERTY = "factum.bench.results";

  static final String USAGE =
      """
      usage: bin/bench [options]
        --events N          events in the stream-load store, a multiple of 100 (default 10000000)
        --duration S        seconds of each measurement window (default 10; decimals allowed)
        --dir PATH          where to put the data (a fresh directory is made inside it and
                            removed at the end; default: the system temp directory)
        --only NAME[,NAME]  run only these workloads: %s
        --http-client KIND  the client of the HTTP workloads: raw (a minimal socket client,
                            the default) or jdk (java.net.http.HttpClient, HTTP/1.1)
        --tls               the HTTP workloads over HTTPS (TLS 1.3, a self-signed certificate
                            made with openssl)
        --dcb-events N      events preloaded for dcb, a multiple of 100 (default 1000000)
        --group-events N    events the groups catch-up consumes, a multiple of 100
                            (default 1000000)
        --rounds N          rounds of the windowed comparisons (http-auth, dcb, the groups
                            ack-append): each side measured N times, A, B, A, B, ...
                            (default 2; smoke 1)
        --results PATH      where to write the Markdown report (default bench-results)
        --smoke             tiny sizes and ~1 s windows: checks that everything works
        --help              this text
      """
          .formatted(Workload.allNames());

  public BenchOptions {
    workloads =
        Collections.unmodifiableSet(
            workloads.isEmpty() ? EnumSet.noneOf(Workload.class) : EnumSet.copyOf(workloads));
    arguments = List.copyOf(arguments);
  }

  static BenchOptions parse(String... args) {
    Long events = null;
    Duration window = null;
    Path dataParent = null;
    Path results = Path.of(System.getProperty(RESULTS_PROPERTY, "bench-results"));
    Set<Workload> workloads = EnumSet.allOf(Workload.class);
    HttpClientKind httpClient = HttpClientKind.RAW;
    boolean smoke = false;
    boolean tls = false;
    Long dcbEvents = null;
    Long groupEvents = null;
    Integer rounds = null;
    List<String> rest = new ArrayList<>(Arrays.asList(args));
    while (!rest.isEmpty()) {
      String option = rest.removeFirst();
      switch (option) {
        case "--events" -> events = parseEvents(option, value(option, rest));
        case "--duration" -> window = parseSeconds(value(option, rest));
        case "--dir" -> dataParent = Path.of(value(option, rest));
        case "--results" -> results = Path.of(value(option, rest));
        case "--only" -> workloads = parseWorkloads(value(option, rest));
        case "--http-client" -> httpClient = HttpClientKind.byName(value(option, rest));
        case "--smoke" -> smoke = true;
        case "--tls" -> tls = true;
        case "--dcb-events" -> dcbEvents = parseEvents(option, value(option, rest));
        case "--group-events" -> groupEvents = parseEvents(option, value(option, rest));
        case "--rounds" -> rounds = parseRounds(value(option, rest));
        default -> throw new IllegalArgumentException("unknown option '" + option + "'");
      }
    }
    if (window == null) {
      window = smoke ? Duration.ofSeconds(1) : Duration.ofSeconds(10);
    }
    Duration warmUp =
        smoke ? Duration.ofMillis(200) : min(Duration.ofSeconds(2), window.dividedBy(2));
    Duration diskWindow =
        smoke ? Duration.ofMillis(500) : min(Duration.ofSeconds(5), window.dividedBy(2));
    return new BenchOptions(
        events != null ? events : smoke ? SMOKE_EVENTS : DEFAULT_EVENTS,
        window,
        warmUp,
        diskWindow,
        smoke ? Duration.ofMillis(400) : Duration.ofSeconds(5),
        smoke ? Duration.ofSeconds(2) : Duration.ofSeconds(120),
        dataParent,
        results,
        workloads,
        httpClient,
        tls,
        dcbEvents != null ? dcbEvents : smoke ? SMOKE_DCB_EVENTS : DEFAULT_DCB_EVENTS,
        groupEvents != null ? groupEvents : smoke ? SMOKE_GROUP_EVENTS : DEFAULT_GROUP_EVENTS,
        rounds != null ? rounds : smoke ? 1 : 2,
        smoke,
        Arrays.asList(args));
  }

  boolean runs(Workload workload) {
    return workloads.contains(workload);
  }

  /**
   * The window of the interleaved comparisons (http-auth, dcb, groups): they measure many windows
   * each, so a smoke run gives them a third of a second.
   */
  public Duration pairWindow() {
    return smoke ? Duration.ofMillis(300) : window;
  }

  private static int parseRounds(String text) {
    try {
      int rounds = Integer.parseInt(text);
      if (rounds >= 1 && rounds <= 100) {
        return rounds;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "--rounds must be a whole number from 1 to 100, was " + text);
  }

  /** The raw-disk baseline runs when asked for, and whenever appends need it for their ratios. */
  boolean runsDiskBaseline() {
    return runs(Workload.DISK) || runs(Workload.APPEND);
  }

  /** The loaded store is built when a read workload needs it. */
  boolean buildsLoadedStore() {
    return runs(Workload.STREAM_LOAD)
        || runs(Workload.CATCH_UP)
        || runs(Workload.HTTP_STREAM_LOAD)
        || runs(Workload.HTTP_SSE);
  }

  /** A server is started on the loaded store when an HTTP read workload needs it. */
  boolean servesLoadedStore() {
    return runs(Workload.HTTP_STREAM_LOAD) || runs(Workload.HTTP_SSE);
  }

  public static String value(String option, List<String> rest) {
    if (rest.isEmpty() || rest.getFirst().startsWith("--")) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return rest.removeFirst();
  }

  public static long parseEvents(String option, String text) {
    long events;
    try {
      events = Long.parseLong(text.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be a whole number, was '" + text + "'");
    }
    if (events < LoadedStore.EVENTS_PER_STREAM || events % LoadedStore.EVENTS_PER_STREAM != 0) {
      throw new IllegalArgumentException(
          option
              + " must be a positive multiple of "
              + LoadedStore.EVENTS_PER_STREAM
              + " (each stream holds exactly that many), was "
              + events);
    }
    if (events / LoadedStore.EVENTS_PER_STREAM > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(option + " is too large: " + events);
    }
    return events;
  }

  public static Duration parseSeconds(String text) {
    double seconds;
    try {
      seconds = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--duration must be a number of seconds, was " + text);
    }
    if (!(seconds >= 0.1) || seconds > 3_600) {
      throw new IllegalArgumentException(
          "--duration must be between 0.1 and 3600 seconds, was " + text);
    }
    return Duration.ofNanos(Math.round(seconds * 1e9));
  }

  private static Set<Workload> parseWorkloads(String text) {
    Set<Workload> chosen = EnumSet.noneOf(Workload.class);
    for (String name : text.split(",")) {
      if (!name.isBlank()) {
        chosen.add(Workload.byName(name.trim()));
      }
    }
    if (chosen.isEmpty()) {
      throw new IllegalArgumentException("--only needs at least one workload");
    }
    return chosen;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
