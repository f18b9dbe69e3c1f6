package dev.factum.bench.compare;

import dev.factum.bench.BenchOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command line of {@code bin/bench compare}, parsed and checked in one place.
 *
 * @param systems the systems to measure, in the order they run
 * @param growthSystems the systems whose growth curve is measured (a subset of {@code systems})
 * @param window length of each measurement window
 * @param warmUp load run before each window and not measured
 * @param loadEvents size of the store the entity loads and the catch-up read
 * @param growthSteps store sizes of the growth curve, ascending; the first is {@code loadEvents}
 * @param dataParent where the run directory is made; null for the system temp directory
 * @param resultsDirectory where the report directory (Markdown and PNG charts) is written
 * @param smoke tiny sizes and short windows, to check that everything works
 * @param arguments the command line as given, for the report
 */
public record CompareOptions(
    List<CompareSystem> systems,
    List<CompareSystem> growthSystems,
    Duration window,
    Duration warmUp,
    long loadEvents,
    List<Long> growthSteps,
    Path dataParent,
    Path resultsDirectory,
    boolean smoke,
    List<String> arguments) {

  static final long DEFAULT_LOAD_EVENTS = 1_000_000;
  static final long SMOKE_LOAD_EVENTS = 5_000;
  static final List<Long> DEFAULT_GROWTH = List.of(1_000_000L, 10_000_000L);
  static final List<Long> LONG_GROWTH = List.of(1_000_000L, 10_000_000L, 100_000_000L);
  static final List<Long> SMOKE_GROWTH = List.of(5_000L, 10_000L);
  static final List<CompareSystem> DEFAULT_GROWTH_SYSTEMS =
      List.of(CompareSystem.FACTUM_EMBEDDED, CompareSystem.KAFKA);

  /** Writers and hot entities of the expected-revision workload. */
  public static final int CONTENTION_WRITERS = 16;

  public static final int HOT_ENTITIES = 10;

  static final String USAGE =
      """
      usage: bin/bench compare [options]
        --systems NAME[,NAME]    the systems to measure, in this order (default: all): %s
        --duration S             seconds of each measurement window (default 10; decimals allowed)
        --load-events N          events in the store of the entity loads and the catch-up,
                                 a multiple of 100 (default 1000000)
        --growth N[,N]           store sizes of the growth curve (default 1000000,10000000)
        --long                   the growth curve up to 100,000,000 events (hours, not minutes)
        --growth-systems NAME[,NAME]  systems with a growth curve (default factum-embedded,kafka;
                                 'none' for none)
        --dir PATH               where to put the data (a fresh directory inside it, removed at
                                 the end; default: the system temp directory)
        --results PATH           where to write the report directory (default bench-results)
        --smoke                  tiny sizes and short windows: checks that everything works
        --help                   this text
      """
          .formatted(CompareSystem.allNames());

  public CompareOptions {
    systems = List.copyOf(systems);
    growthSystems = growthSystems.stream().filter(systems::contains).toList();
    growthSteps = List.copyOf(growthSteps);
    arguments = List.copyOf(arguments);
  }

  static CompareOptions parse(String... args) {
    List<CompareSystem> systems = Arrays.asList(CompareSystem.values());
    List<CompareSystem> growthSystems = DEFAULT_GROWTH_SYSTEMS;
    Duration window = null;
    Long loadEvents = null;
    List<Long> growth = null;
    boolean longRun = false;
    Path dataParent = null;
    Path results = Path.of(System.getProperty(BenchOptions.RESULTS_PROPERTY, "bench-results"));
    boolean smoke = false;
    List<String> rest = new ArrayList<>(Arrays.asList(args));
    while (!rest.isEmpty()) {
      String option = rest.removeFirst();
      switch (option) {
        case "--systems" -> systems = systems(BenchOptions.value(option, rest));
        case "--growth-systems" -> {
          String value = BenchOptions.value(option, rest);
          growthSystems = value.equals("none") ? List.of() : systems(value);
        }
        case "--duration" -> window = BenchOptions.parseSeconds(BenchOptions.value(option, rest));
        case "--load-events" ->
            loadEvents = BenchOptions.parseEvents(option, BenchOptions.value(option, rest));
        case "--growth" -> growth = steps(option, BenchOptions.value(option, rest));
        case "--long" -> longRun = true;
        case "--dir" -> dataParent = Path.of(BenchOptions.value(option, rest));
        case "--results" -> results = Path.of(BenchOptions.value(option, rest));
        case "--smoke" -> smoke = true;
        default -> throw new IllegalArgumentException("unknown option '" + option + "'");
      }
    }
    if (window == null) {
      window = smoke ? Duration.ofMillis(600) : Duration.ofSeconds(10);
    }
    Duration warmUp =
        smoke
            ? Duration.ofMillis(100)
            : window.compareTo(Duration.ofSeconds(4)) < 0
                ? window.dividedBy(2)
                : Duration.ofSeconds(2);
    long load = loadEvents != null ? loadEvents : smoke ? SMOKE_LOAD_EVENTS : DEFAULT_LOAD_EVENTS;
    if (growth == null) {
      growth = smoke ? SMOKE_GROWTH : longRun ? LONG_GROWTH : DEFAULT_GROWTH;
    }
    List<Long> steps = new ArrayList<>();
    steps.add(load);
    for (long step : growth) {
      if (step > steps.getLast()) {
        steps.add(step);
      }
    }
    return new CompareOptions(
        systems,
        growthSystems,
        window,
        warmUp,
        load,
        steps,
        dataParent,
        results,
        smoke,
        Arrays.asList(args));
  }

  private static List<CompareSystem> systems(String text) {
    List<CompareSystem> chosen = new ArrayList<>();
    for (String name : text.split(",")) {
      if (!name.isBlank()) {
        CompareSystem system = CompareSystem.byName(name.trim());
        if (!chosen.contains(system)) {
          chosen.add(system);
        }
      }
    }
    if (chosen.isEmpty()) {
      throw new IllegalArgumentException("--systems needs at least one system");
    }
    // Run in the canonical order: the disk first, as the baseline of the writes.
    chosen.sort(null);
    return chosen;
  }

  private static List<Long> steps(String option, String text) {
    List<Long> steps = new ArrayList<>();
    for (String step : text.split(",")) {
      if (!step.isBlank()) {
        steps.add(BenchOptions.parseEvents(option, step.trim()));
      }
    }
    steps.sort(null);
    return steps;
  }
}
