package dev.factum.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.engine.FactumStore;
import dev.factum.server.FactumServer;
import dev.factum.server.ServerConfig;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the curl examples of README.md, exactly as written (only the port is changed), against a
 * real server, and checks each one's output against the {@code # =>} line that follows it: the
 * fragments between {@code …} must appear in that order. The README cannot rot.
 */
class ReadmeCurlTest {
  @TempDir Path data;

  /** One example: a shell command and the output it promises. */
  record Example(String command, String expected) {}

  static List<Example> examples() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    int start = readme.indexOf("<!-- readme-curl:start -->");
    int end = readme.indexOf("<!-- readme-curl:end -->");
    assertThat(start).as("README curl markers").isPositive().isLessThan(end);
    List<Example> examples = new ArrayList<>();
    StringBuilder command = new StringBuilder();
    for (String line : readme.substring(start, end).split("\n")) {
      if (line.startsWith("```") || line.startsWith("<!--") || line.isBlank()) {
        continue;
      }
      if (line.startsWith("# => ")) {
        examples.add(new Example(command.toString(), line.substring(5)));
        command.setLength(0);
      } else if (!line.startsWith("#")) {
        command.append(line).append('\n');
      }
    }
    assertThat(command.toString()).as("a command without an expected output").isBlank();
    return examples;
  }

  @Test
  void theReadmeCurlExamplesDoWhatTheySay() throws Exception {
    List<Example> examples = examples();
    assertThat(examples).hasSizeGreaterThanOrEqualTo(5);
    try (FactumStore store = RocksDbEventStore.open(data);
        FactumServer server = FactumServer.start(store, ServerConfig.DEFAULT.withPort(0))) {
      for (Example example : examples) {
        String command = example.command().replace("localhost:7117", "127.0.0.1:" + server.port());
        Process process =
            new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String flat = output.replace("\n", "");
        int at = 0;
        for (String fragment : example.expected().split("…")) {
          int found = flat.indexOf(fragment, at);
          assertThat(found)
              .as(
                  "README example:\n%s\npromised '%s' (in order) in:\n%s",
                  example.command(), fragment, output)
              .isGreaterThanOrEqualTo(0);
          at = found + fragment.length();
        }
      }
    }
  }
}
