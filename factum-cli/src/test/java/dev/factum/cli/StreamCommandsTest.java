package dev.factum.cli;

import static dev.factum.cli.FactumCommandTest.factum;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.engine.FactumStore;
import dev.factum.server.FactumServer;
import dev.factum.server.ServerConfig;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import dev.factum.wire.WireJson;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tags, delete and state from the command line, against a real server. */
class StreamCommandsTest {
  @TempDir Path temp;
  private FactumStore store;
  private FactumServer server;
  private String url;

  @BeforeEach
  void start() throws Exception {
    store = RocksDbEventStore.open(temp.resolve("data"));
    server = FactumServer.start(store, ServerConfig.DEFAULT.withPort(0));
    url = server.uri().toString();
  }

  @AfterEach
  void stop() {
    server.close();
    store.close();
  }

  private FactumCommandTest.Run ok(String... argv) {
    FactumCommandTest.Run run = factum(argv);
    assertThat(run.exit()).as("%s: %s", String.join(" ", argv), run.err()).isZero();
    return run;
  }

  private static List<JsonNode> lines(FactumCommandTest.Run run) throws Exception {
    List<JsonNode> events = new ArrayList<>();
    for (String line : run.out().lines().toList()) {
      events.add(WireJson.mapper().readTree(line));
    }
    return events;
  }

  @Test
  void tagsOnAppendFilterReadAndTail() throws Exception {
    ok(
        "append", "order-1", "--type", "A", "--data", "{}", "--tag", "eu", "--tag", "vip", "--url",
        url);
    ok("append", "order-2", "--type", "A", "--data", "{}", "--tag", "us", "--url", url);
    ok("append", "order-3", "--type", "B", "--data", "{}", "--url", url);
    assertThat(lines(ok("read", "order-1", "--url", url)).getFirst().get("tags").toString())
        .isEqualTo("[\"eu\",\"vip\"]");
    assertThat(lines(ok("read", "--all", "--tag", "vip", "--url", url)))
        .extracting(e -> e.get("stream").asText())
        .containsExactly("order-1");
    assertThat(lines(ok("read", "--all", "--tag", "eu", "--tag", "us", "--url", url)))
        .extracting(e -> e.get("stream").asText())
        .containsExactly("order-1", "order-2");
    assertThat(lines(ok("read", "--all", "--type", "A", "--type", "B", "--url", url))).hasSize(3);
    assertThat(
            lines(
                ok(
                    "tail", "--from", "0", "--tag", "us", "--tag", "vip", "--count", "2", "--url",
                    url)))
        .extracting(e -> e.get("stream").asText())
        .containsExactly("order-1", "order-2");
    FactumCommandTest.Run mixed =
        factum("read", "--all", "--tag", "eu", "--type", "A", "--url", url);
    assertThat(mixed.exit()).isEqualTo(2);
    assertThat(mixed.err()).contains("filter by one of --category, --type or --tag");
    FactumCommandTest.Run onStream = factum("read", "order-1", "--tag", "eu", "--url", url);
    assertThat(onStream.exit()).isEqualTo(2);
    assertThat(onStream.err()).contains("--tag filters the global log, not a stream");
    assertThat(factum("tail", "order-1", "--category", "order", "--url", url).exit()).isEqualTo(2);
    FactumCommandTest.Run twice = factum("read", "order-1", "--from", "0", "--from", "1");
    assertThat(twice.exit()).isEqualTo(2);
    assertThat(twice.err()).contains("--from given twice");
  }

  @Test
  void conditionalAppendsAndReadsByQuery() throws Exception {
    String course = "{\"items\":[{\"types\":[\"Opened\"],\"tags\":[\"course:1\"]}]}";
    ok("append", "c-1", "--type", "Opened", "--data", "{}", "--tag", "course:1", "--url", url);
    ok("append", "c-2", "--type", "Opened", "--data", "{}", "--tag", "course:2", "--url", url);
    FactumCommandTest.Run stale =
        factum(
            "append",
            "c-3",
            "--type",
            "Opened",
            "--data",
            "{}",
            "--fail-if-events-match",
            course,
            "--url",
            url);
    assertThat(stale.exit()).isEqualTo(1);
    assertThat(stale.err()).contains("append-condition-failed");
    ok(
        "append",
        "c-3",
        "--type",
        "Opened",
        "--data",
        "{}",
        "--tag",
        "course:1",
        "--fail-if-events-match",
        course,
        "--after",
        "0",
        "--url",
        url);
    assertThat(lines(ok("read", "--all", "--query", course, "--url", url)))
        .extracting(e -> e.get("position").asLong())
        .containsExactly(0L, 2L);
    assertThat(lines(ok("tail", "--from", "0", "--query", course, "--count", "2", "--url", url)))
        .extracting(e -> e.get("stream").asText())
        .containsExactly("c-1", "c-3");
    assertThat(factum("read", "--all", "--query", "{\"item\":[]}", "--url", url).exit())
        .isEqualTo(2);
    assertThat(factum("read", "--all", "--query", course, "--tag", "x", "--url", url).exit())
        .isEqualTo(2);
    FactumCommandTest.Run orphan =
        factum("append", "c-4", "--type", "A", "--data", "{}", "--after", "3", "--url", url);
    assertThat(orphan.exit()).isEqualTo(2);
    assertThat(orphan.err()).contains("--after belongs to --fail-if-events-match");
    assertThat(
            factum(
                    "append",
                    "c-4",
                    "--type",
                    "A",
                    "--data",
                    "{}",
                    "--fail-if-events-match",
                    course,
                    "--after",
                    "-1",
                    "--url",
                    url)
                .exit())
        .isEqualTo(2);
  }

  @Test
  void streamsListsByPrefixAndCategoryAndPages() throws Exception {
    for (String stream : List.of("order-1", "order-2", "orders-1", "cart-1")) {
      ok("append", stream, "--type", "A", "--data", "{}", "--url", url);
    }
    ok("delete", "order-2", "--expected-revision", "any", "--url", url);
    assertThat(ok("streams", "--url", url).out().lines())
        .containsExactly(
            "cart-1\tactive\t0\t1\t3",
            "order-1\tactive\t0\t1\t0",
            "order-2\tdeleted\t0\t0\t1",
            "orders-1\tactive\t0\t1\t2");
    assertThat(ok("streams", "--category", "order", "--url", url).out().lines())
        .extracting(line -> line.split("\t")[0])
        .containsExactly("order-1", "order-2");
    assertThat(ok("streams", "--prefix", "orders", "--url", url).out().lines()).hasSize(1);
    FactumCommandTest.Run page = ok("streams", "--limit", "1", "--url", url);
    assertThat(page.out().lines()).hasSize(1);
    assertThat(page.err()).contains("more after: cart-1");
    assertThat(ok("streams", "--after", "order-2", "--url", url).out().lines())
        .extracting(line -> line.split("\t")[0])
        .containsExactly("orders-1");
    assertThat(factum("streams", "--category", "a-b", "--url", url).exit()).isNotZero();
  }

  @Test
  void deleteSoftAndTombstoneWithTheirStates() throws Exception {
    assertThat(WireJson.mapper().readTree(ok("state", "order-1", "--url", url).out()).toString())
        .isEqualTo(
            "{\"stream\":\"order-1\",\"status\":\"none\",\"lastRevision\":null,"
                + "\"firstVisibleRevision\":0,\"lastPosition\":null}");
    ok("append", "other-1", "--type", "A", "--data", "{}", "--url", url);
    ok("append", "order-1", "--type", "A", "--data", "{}", "--url", url);
    ok("append", "order-1", "--type", "A", "--data", "{}", "--url", url);
    JsonNode active = WireJson.mapper().readTree(ok("state", "order-1", "--url", url).out());
    assertThat(active.get("status").asText()).isEqualTo("active");
    assertThat(active.get("lastRevision").asLong()).isEqualTo(1);
    assertThat(active.get("lastPosition").asLong()).isEqualTo(2);
    assertThat(active.get("firstVisibleRevision").asLong()).isZero();

    FactumCommandTest.Run stale =
        factum("delete", "order-1", "--expected-revision", "0", "--url", url);
    assertThat(stale.exit()).isEqualTo(1);
    assertThat(stale.err()).contains("wrong-expected-revision");
    assertThat(factum("delete", "order-1", "--url", url).err())
        .contains("--expected-revision is required");
    JsonNode deleted =
        WireJson.mapper()
            .readTree(ok("delete", "order-1", "--expected-revision", "1", "--url", url).out());
    assertThat(deleted.get("status").asText()).isEqualTo("deleted");
    assertThat(factum("read", "order-1", "--url", url).err()).contains("stream-not-found");
    ok("append", "order-1", "--type", "A", "--data", "{}", "--url", url);
    JsonNode recreated = WireJson.mapper().readTree(ok("state", "order-1", "--url", url).out());
    assertThat(recreated.get("status").asText()).isEqualTo("active");
    assertThat(recreated.get("firstVisibleRevision").asLong()).isEqualTo(2);
    assertThat(lines(ok("read", "order-1", "--url", url)))
        .extracting(e -> e.get("revision").asLong())
        .containsExactly(2L);

    JsonNode tombstoned =
        WireJson.mapper()
            .readTree(
                ok("delete", "order-1", "--expected-revision", "any", "--tombstone", "--url", url)
                    .out());
    assertThat(tombstoned.get("status").asText()).isEqualTo("tombstoned");
    assertThat(
            WireJson.mapper()
                .readTree(ok("state", "order-1", "--url", url).out())
                .get("status")
                .asText())
        .isEqualTo("tombstoned");
    FactumCommandTest.Run again =
        factum("append", "order-1", "--type", "A", "--data", "{}", "--url", url);
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("stream-deleted");
  }

  @Test
  void metadataIsSetAndReadAndReadsHonourIt() throws Exception {
    JsonNode none = WireJson.mapper().readTree(ok("metadata", "get", "s-1", "--url", url).out());
    assertThat(none.get("metadataRevision").asLong()).isEqualTo(-1);
    for (int i = 0; i < 5; i++) {
      ok("append", "s-1", "--type", "A", "--data", "{}", "--url", url);
    }
    JsonNode set =
        WireJson.mapper()
            .readTree(
                ok(
                        "metadata",
                        "set",
                        "s-1",
                        "--expected-revision",
                        "no_stream",
                        "--max-count",
                        "2",
                        "--max-age",
                        "3600",
                        "--custom",
                        "{\"owner\":\"ops\"}",
                        "--url",
                        url)
                    .out());
    assertThat(set.get("metadataRevision").asLong()).isZero();
    JsonNode got = WireJson.mapper().readTree(ok("metadata", "get", "s-1", "--url", url).out());
    assertThat(got.get("maxCount").asLong()).isEqualTo(2);
    assertThat(got.get("maxAge").asLong()).isEqualTo(3600);
    assertThat(got.get("custom").get("owner").asText()).isEqualTo("ops");
    assertThat(lines(ok("read", "s-1", "--url", url)))
        .extracting(e -> e.get("revision").asLong())
        .containsExactly(3L, 4L);
    JsonNode state = WireJson.mapper().readTree(ok("state", "s-1", "--url", url).out());
    assertThat(state.get("firstVisibleRevision").asLong()).isEqualTo(3);

    FactumCommandTest.Run conflict =
        factum("metadata", "set", "s-1", "--expected-revision", "7", "--url", url);
    assertThat(conflict.exit()).isEqualTo(1);
    assertThat(conflict.err()).contains("wrong-expected-metadata-revision");
    FactumCommandTest.Run negative =
        factum(
            "metadata", "set", "s-1", "--expected-revision", "0", "--max-count", "0", "--url", url);
    assertThat(negative.exit()).isEqualTo(2);
    assertThat(negative.err()).contains("maxCount must be at least 1");
    assertThat(factum("metadata", "set", "s-1", "--url", url).exit()).isEqualTo(2);
    assertThat(factum("metadata", "drop", "s-1", "--url", url).exit()).isEqualTo(2);
    assertThat(factum("metadata", "get", "s-1", "--max-count", "1", "--url", url).exit())
        .isEqualTo(2);
    // Cleared (no setting given): every event is visible again.
    ok("metadata", "set", "s-1", "--expected-revision", "0", "--url", url);
    assertThat(lines(ok("read", "s-1", "--url", url))).hasSize(5);
  }
}
