package dev.factum.bench.compare;

import dev.factum.bench.compare.report.CompareCharts;
import dev.factum.bench.compare.report.CompareReport;
import dev.factum.bench.load.Progress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;

/**
 * The command line of the comparison ({@code bin/bench compare}, which passes the arguments after
 * {@code compare}; {@code --help} lists the options): runs {@link CompareRun}, writes the report
 * and its charts to a new directory {@code <results>/compare-<timestamp>/} and prints the report.
 * Its own entry point because the comparison is its own module, which depends on factum-bench.
 */
public final class CompareMain {
  private CompareMain() {}

  public static void main(String[] args) throws Exception {
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
}
