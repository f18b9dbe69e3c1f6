package dev.factum.bench.compare.transport;

import dev.factum.bench.load.Progress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;

/**
 * The command line of {@code bin/bench transport} ({@code --help} lists the options): runs {@link
 * TransportRun}, prints the report and writes it to {@code <results>/transport-<timestamp>.md}.
 */
public final class TransportMain {
  private TransportMain() {}

  public static void main(String[] args) throws Exception {
    if (Arrays.asList(args).contains("--help")) {
      System.out.print(TransportOptions.USAGE);
      return;
    }
    TransportOptions options;
    try {
      options = TransportOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench transport: " + e.getMessage());
      System.err.print(TransportOptions.USAGE);
      System.exit(2);
      return;
    }
    if (!Files.isRegularFile(options.factumJar())) {
      System.err.println(
          "bench transport: the CLI jar " + options.factumJar() + " is missing (build factum-cli)");
      System.exit(2);
      return;
    }
    String report = TransportReport.markdown(TransportRun.run(options, new Progress(System.err)));
    Files.createDirectories(options.resultsDirectory());
    Path file =
        options
            .resultsDirectory()
            .resolve(
                "transport-"
                    + LocalDateTime.now(ZoneOffset.UTC)
                        .format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss"))
                    + ".md");
    Files.writeString(file, report, StandardCharsets.UTF_8);
    System.out.print(report);
    System.err.println("[bench] report written to " + file);
  }
}
