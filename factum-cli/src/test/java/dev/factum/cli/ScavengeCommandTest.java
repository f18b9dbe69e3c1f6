package dev.factum.cli;

import static dev.factum.cli.FactumCommandTest.factum;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.LogFilter;
import dev.factum.api.StreamMetadata;
import dev.factum.cli.FactumCommandTest.Run;
import dev.factum.engine.FactumStore;
import dev.factum.server.FactumServer;
import dev.factum.server.ServerConfig;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import dev.factum.wire.WireJson;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code factum scavenge}: on a running server with {@code --wait} (the status JSON, exit 0, the
 * events gone from the log), {@code --status}, offline on a data directory, and the usage errors.
 */
class ScavengeCommandTest {
  @TempDir Path temp;

  private static void fill(FactumStore store, String stream) {
    store.append(
        stream,
        ExpectedRevision.any(),
        IntStream.range(0, 10).mapToObj(i -> EventData.json("T", "{}")).toList());
    store.setStreamMetadata(stream, ExpectedRevision.any(), StreamMetadata.NONE.withMaxCount(3L));
  }

  @Test
  void aServerAndADataDirectoryAreScavenged() throws Exception {
    Path data = temp.resolve("data");
    try (FactumStore store = RocksDbEventStore.open(data);
        FactumServer server = FactumServer.start(store, ServerConfig.DEFAULT.withPort(0))) {
      fill(store, "order-1");
      String url = server.uri().toString();
      Run waited = factum("scavenge", "--url", url, "--rate", "100000", "--wait");
      assertThat(waited.exit()).as(waited.err()).isZero();
      JsonNode status = WireJson.mapper().readTree(waited.out());
      assertThat(status.get("state").asText()).isEqualTo("done");
      assertThat(status.get("eventsRemoved").asLong()).isEqualTo(7);
      Run shown = factum("scavenge", "--status", "--url", url);
      assertThat(WireJson.mapper().readTree(shown.out()).get("runId").asLong()).isEqualTo(1);
      assertThat(store.readAll(0, Direction.FORWARD, 100, LogFilter.none()).events()).hasSize(3);
      assertThat(factum("scavenge", "--url", url, "--rate", "0").exit()).isEqualTo(2);
      assertThat(factum("scavenge", "extra", "--url", url).exit()).isEqualTo(2);
    }
    try (FactumStore store = RocksDbEventStore.open(data)) {
      fill(store, "order-2");
    }
    Run offline = factum("scavenge", "--data", data.toString());
    assertThat(offline.exit()).as(offline.err()).isZero();
    assertThat(WireJson.mapper().readTree(offline.out()).get("eventsRemoved").asLong())
        .isEqualTo(7);
    assertThat(factum("scavenge", "--data", temp.resolve("none").toString()).exit()).isEqualTo(2);
    try (FactumStore store = RocksDbEventStore.open(data)) {
      assertThat(store.verify().ok()).isTrue();
      assertThat(
              List.of(store.readAll(0, Direction.FORWARD, 100, LogFilter.none()).events().size()))
          .containsExactly(6);
    }
  }
}
