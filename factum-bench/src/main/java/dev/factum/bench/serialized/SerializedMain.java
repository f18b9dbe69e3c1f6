package dev.factum.bench.serialized;

import dev.factum.bench.load.Progress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;

/**
 * The command line of {@code bin/bench serialized} ({@code --help} lists the options): runs {@link
 * SerializedRun}, prints the report and writes it to {@code <results>/serialized-<timestamp>.md}.
 */
public final class SerializedMain {
  private SerializedMain() {}

  public static void main(String[] args) throws Exception {
    if (Arrays.asList(args).contains("--help")) {
      System.out.print(SerializedOptions.USAGE);
      return;
    }
    SerializedOptions options;
    try {
      options = SerializedOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench serialized: " + e.getMessage());
      System.err.print(SerializedOptions.USAGE);
      System.exit(2);
      return;
    }
    String report = SerializedReport.markdown(SerializedRun.run(options, new Progress(System.err)));
    Files.createDirectories(options.results());
    Path file =
        options
            .results()
            .resolve(
                "serialized-"
                    + LocalDateTime.now(ZoneOffset.UTC)
                        .format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss"))
                    + ".md");
    Files.writeString(file, report, StandardCharsets.UTF_8);
    System.out.print(report);
    System.err.println("[bench] report written to " + file);
  }
}
