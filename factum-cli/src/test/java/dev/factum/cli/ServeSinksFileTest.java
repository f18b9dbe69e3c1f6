package dev.factum.cli;

import static dev.factum.cli.FactumCommandTest.factum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code factum serve --sinks FILE}, with the real CLI: a bad file stops the start before anything
 * is created and names the entry at fault; a good one is applied before the server serves (created,
 * then changed to match, and with {@code --prune-sinks} the sinks it no longer names deleted), as
 * {@code factum sinks list} against the running server shows. The sinks are paused, so no broker is
 * needed: the definitions are what is under test.
 */
class ServeSinksFileTest {
  private static final Duration LIMIT = Duration.ofSeconds(60);
  @TempDir Path temp;

  @Test
  void aBadFileIsRefusedBeforeAnythingIsCreated() throws Exception {
    Path data = temp.resolve("data");
    Path file =
        write(
            "bad.json",
            "{\"sinks\": ["
                + sink("a", "t1")
                + ", {\"name\": \"b\", \"bootstrapServers\": \"x\"}]}");
    FactumCommandTest.Run run =
        assertTimeoutPreemptively(
            LIMIT,
            () ->
                factum(
                    "serve", "--data", data.toString(), "--port", "0", "--sinks", file.toString()));
    assertThat(run.exit()).as(run.err()).isEqualTo(1);
    assertThat(run.err()).contains(file.toString()).contains("sinks[1]").contains("'topic'");
    assertThat(data).doesNotExist();

    Path twice =
        write("twice.json", "{\"sinks\": [" + sink("a", "t1") + "," + sink("a", "t2") + "]}");
    FactumCommandTest.Run duplicate =
        assertTimeoutPreemptively(
            LIMIT,
            () ->
                factum(
                    "serve",
                    "--data",
                    data.toString(),
                    "--port",
                    "0",
                    "--sinks",
                    twice.toString()));
    assertThat(duplicate.exit()).isEqualTo(1);
    assertThat(duplicate.err()).contains("sinks[1]").contains("'a' is given twice");
    assertThat(data).doesNotExist();
  }

  @Test
  void aFileIsAppliedBeforeServingAndPruneDeletesWhatItNoLongerNames() throws Exception {
    String data = temp.resolve("data").toString();
    Path first =
        write("first.json", "{\"sinks\": [" + sink("a", "t1") + "," + sink("b", "t2") + "]}");
    try (TlsServeTest.Serve serve =
        TlsServeTest.serve(List.of(), "--data", data, "--port", "0", "--sinks", first.toString())) {
      assertThat(serve.said()).contains("created [a, b], updated [], unchanged [], deleted []");
      String list = sinksList(serve.port());
      assertThat(list).contains("a").contains("t1").contains("b").contains("t2");
    }
    // a changed, b no longer named: kept without --prune-sinks, deleted with it
    Path second = write("second.json", "{\"sinks\": [" + sink("a", "t3") + "]}");
    try (TlsServeTest.Serve serve =
        TlsServeTest.serve(
            List.of(), "--data", data, "--port", "0", "--sinks", second.toString())) {
      assertThat(serve.said()).contains("created [], updated [a], unchanged [], deleted []");
      assertThat(sinksList(serve.port())).contains("t3").doesNotContain("t1").contains("t2");
    }
    try (TlsServeTest.Serve serve =
        TlsServeTest.serve(
            List.of(),
            "--data",
            data,
            "--port",
            "0",
            "--sinks",
            second.toString(),
            "--prune-sinks")) {
      assertThat(serve.said()).contains("created [], updated [], unchanged [a], deleted [b]");
      assertThat(sinksList(serve.port())).contains("t3").doesNotContain("t2");
    }
  }

  private static String sinksList(int port) {
    FactumCommandTest.Run list = factum("sinks", "list", "--url", "http://127.0.0.1:" + port);
    assertThat(list.exit()).as(list.err()).isZero();
    return list.out();
  }

  private static String sink(String name, String topic) {
    return "{\"name\": \""
        + name
        + "\", \"topic\": \""
        + topic
        + "\", \"bootstrapServers\": \"127.0.0.1:1\", \"paused\": true}";
  }

  private Path write(String name, String content) throws Exception {
    return Files.writeString(temp.resolve(name), content);
  }
}
