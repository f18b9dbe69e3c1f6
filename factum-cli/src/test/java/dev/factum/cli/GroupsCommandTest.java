package dev.factum.cli;

import static dev.factum.cli.FactumCommandTest.factum;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.groups.ConsumerGroups;
import dev.factum.engine.FactumStore;
import dev.factum.server.FactumServer;
import dev.factum.server.ServerConfig;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import dev.factum.wire.WireJson;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code factum groups ...} against a real server over a real RocksDB store. */
class GroupsCommandTest {
  @TempDir Path temp;

  private static JsonNode ok(String... argv) throws Exception {
    FactumCommandTest.Run run = factum(argv);
    assertThat(run.exit()).as("%s: %s", String.join(" ", argv), run.err()).isZero();
    return WireJson.mapper().readTree(run.out());
  }

  @Test
  void groupsAreCreatedShownListedTheirParkedEventsReplayedAndSkippedAndDeleted() throws Exception {
    try (FactumStore store = RocksDbEventStore.open(temp.resolve("data"));
        FactumServer server = FactumServer.start(store, ServerConfig.DEFAULT.withPort(0))) {
      String url = server.uri().toString();
      store.append("order-1", ExpectedRevision.any(), List.of(EventData.json("A", "{}")));
      JsonNode created =
          ok("groups", "create", "billing", "--category", "order", "--retries", "0", "--url", url);
      assertThat(created.at("/source/category/0").asText()).isEqualTo("order");
      assertThat(created.at("/settings/maxRetries").asInt()).isZero();
      assertThat(factum("groups", "create", "billing", "--url", url).exit()).isEqualTo(1);
      assertThat(factum("groups", "create", "bad", "--max-in-flight", "0", "--url", url).exit())
          .isEqualTo(2);
      assertThat(factum("groups", "create", "bad", "--ack-timeout-ms", "0", "--url", url).err())
          .contains("ack");
      assertThat(ok("groups", "list", "--url", url).get("groups")).hasSize(1);

      ConsumerGroups groups = store.consumerGroups();
      long position = groups.poll("billing", "c", 1, Duration.ofSeconds(10)).getFirst().position();
      groups.park("billing", "c", position, "bad data");
      JsonNode parked = ok("groups", "parked", "billing", "--url", url).get("parked");
      assertThat(parked).hasSize(1);
      assertThat(parked.get(0).get("reason").asText()).isEqualTo("bad data");
      assertThat(ok("groups", "show", "billing", "--url", url).get("parked").asInt()).isEqualTo(1);
      ok("groups", "replay", "billing", Long.toString(position), "--url", url);
      assertThat(groups.poll("billing", "c", 1, Duration.ofSeconds(10)).getFirst().replay())
          .isTrue();
      groups.park("billing", "c", position, "still bad");
      ok("groups", "skip", "billing", Long.toString(position), "--url", url);
      assertThat(ok("groups", "parked", "billing", "--url", url).get("parked")).isEmpty();

      ok("groups", "delete", "billing", "--url", url);
      FactumCommandTest.Run gone = factum("groups", "show", "billing", "--url", url);
      assertThat(gone.exit()).isEqualTo(1);
      assertThat(ok("groups", "list", "--url", url).get("groups")).isEmpty();
      assertThat(factum("groups", "frobnicate", "--url", url).exit()).isEqualTo(2);
    }
  }
}
