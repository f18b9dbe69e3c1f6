package dev.factum.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;

/**
 * The command line of the load generator (run it with {@code bin/bench}; {@code --help} lists the
 * options; {@code bin/bench soak --help} those of the soak, {@link SoakRun}). Progress goes to
 * stderr as the run goes; the Markdown report goes to stdout at the end and to {@code
 * bench-results/<timestamp>.md}.
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("compare")) {
      compare(Arrays.copyOfRange(args, 1, args.length));
      return;
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

  /**
   * {@code bin/bench compare}: runs {@link CompareRun}, writes the report and its charts to a new
   * directory {@code <results>/compare-<timestamp>/} and prints the report.
   */
  private static void compare(String[] args) throws Exception {
    if (Arrays.asList(args).contains("--help")) {
      System.out.print(CompareOptions.USAGE);
      return;
    }
    CompareOptions options;
    try {
      options = CompareOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench compare: " + e.getMessage());
      System.err.print(CompareOptions.USAGE);
      System.exit(2);
      return;
    }
    CompareResults results = CompareRun.run(options, new Progress(System.err));
    Path file = writeComparison(options.resultsDirectory(), results);
    System.out.print(Files.readString(file));
    System.out.flush();
    System.err.println("[bench] report and charts written to " + file.getParent());
  }

  /** Writes the comparison's charts and report into a new directory; returns the report file. */
  static Path writeComparison(Path resultsDirectory, CompareResults results) throws IOException {
    Path directory =
        resultsDirectory.resolve(
            "compare-"
                + results.startedAt().format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss")));
    Files.createDirectories(directory);
    List<String> charts = CompareCharts.write(results, directory);
    Path file = directory.resolve("compare.md");
    Files.writeString(file, CompareReport.markdown(results, charts), StandardCharsets.UTF_8);
    return file;
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
