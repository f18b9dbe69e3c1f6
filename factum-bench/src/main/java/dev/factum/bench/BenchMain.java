package dev.factum.bench;

import dev.factum.bench.load.Progress;
import dev.factum.bench.report.ReportFormatter;
import dev.factum.bench.soak.SoakOptions;
import dev.factum.bench.soak.SoakRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;

/**
 * The command line of the load generator (run it with {@code bin/bench}; {@code --help} lists the
 * options; {@code bin/bench soak --help} those of the soak, {@link SoakRun}). Progress goes to
 * stderr as the run goes; the Markdown report goes to stdout at the end and to {@code
 * bench-results/<timestamp>.md}. {@code bin/bench compare} runs the comparison's own command line
 * instead ({@code dev.factum.bench.compare.CompareMain}, module factum-bench-compare).
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("compare")) {
      // The comparison is its own module (factum-bench-compare), which depends on this one.
      System.err.println("bench: compare runs from factum-bench-compare: use bin/bench compare");
      System.exit(2);
    }
    if (args.length > 0 && args[0].equals("soak")) {
      if (Arrays.asList(args).contains("--help")) {
        System.out.print(SoakOptions.USAGE);
        return;
      }
      Path results = Path.of(System.getProperty(BenchOptions.RESULTS_PROPERTY, "bench-results"));
      System.exit(SoakRun.main(Arrays.copyOfRange(args, 1, args.length), results));
    }
    if (Arrays.asList(args).contains("--help")) {
      System.out.print(BenchOptions.USAGE);
      return;
    }
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.err.print(BenchOptions.USAGE);
      System.exit(2);
      return;
    }
    BenchReport report = BenchRun.run(options, new Progress(System.err));
    String markdown = ReportFormatter.markdown(report);
    Path file = write(options.resultsDirectory(), report, markdown);
    System.out.print(markdown);
    System.out.flush();
    System.err.println("[bench] report written to " + file);
  }

  /** Writes the report to {@code <directory>/<timestamp>.md}; returns the file. */
  static Path write(Path directory, BenchReport report, String markdown) throws IOException {
    Files.createDirectories(directory);
    String name =
        report.startedAt().format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss")) + ".md";
    Path file = directory.resolve(name);
    Files.writeString(file, markdown, StandardCharsets.UTF_8);
    return file;
  }
}
