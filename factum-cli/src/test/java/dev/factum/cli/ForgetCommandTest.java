package dev.factum.cli;

import static dev.factum.cli.FactumCommandTest.factum;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.engine.FactumStore;
import dev.factum.engine.MasterKey;
import dev.factum.engine.StoreOptions;
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

/**
 * {@code factum append --subject} and {@code factum forget} against a real server with a master
 * key: the subject's event reads back with its subject, is redacted after the forget, and a second
 * forget exits 1 with {@code subject-not-found}.
 */
class ForgetCommandTest {
  @TempDir Path temp;
  private FactumStore store;
  private FactumServer server;
  private String url;

  @BeforeEach
  void start() throws Exception {
    store =
        RocksDbEventStore.open(
            temp.resolve("data"), StoreOptions.DEFAULT.withMasterKey(MasterKey.generate()));
    server = FactumServer.start(store, ServerConfig.DEFAULT.withPort(0));
    url = server.uri().toString();
  }

  @AfterEach
  void stop() {
    server.close();
    store.close();
  }

  private static List<JsonNode> lines(FactumCommandTest.Run run) throws Exception {
    List<JsonNode> events = new ArrayList<>();
    for (String line : run.out().lines().toList()) {
      events.add(WireJson.mapper().readTree(line));
    }
    return events;
  }

  @Test
  void aSubjectsEventIsRedactedAfterForget() throws Exception {
    FactumCommandTest.Run appended =
        factum(
            "append",
            "p-1",
            "--type",
            "A",
            "--data",
            "{\"name\":\"Ann\"}",
            "--subject",
            "ann",
            "--url",
            url);
    assertThat(appended.exit()).as(appended.err()).isZero();
    JsonNode before = lines(factum("read", "p-1", "--url", url)).getFirst();
    assertThat(before.get("subject").asText()).isEqualTo("ann");
    assertThat(before.get("data").get("name").asText()).isEqualTo("Ann");

    FactumCommandTest.Run forgot = factum("forget", "ann", "--url", url);
    assertThat(forgot.exit()).as(forgot.err()).isZero();
    assertThat(forgot.out()).contains("\"forgotten\":true");
    JsonNode after = lines(factum("read", "p-1", "--url", url)).getFirst();
    assertThat(after.get("redacted").asBoolean()).isTrue();
    assertThat(after.get("data").toString()).isEqualTo("{\"redacted\":true}");

    FactumCommandTest.Run again = factum("forget", "ann", "--url", url);
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("subject-not-found");
    assertThat(factum("forget", "--url", url).exit()).isEqualTo(2);
  }
}
