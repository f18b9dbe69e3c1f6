package dev.factum.cli;

import static dev.factum.cli.FactumCommandTest.factum;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.engine.FactumStore;
import dev.factum.server.AuthSettings;
import dev.factum.server.FactumServer;
import dev.factum.server.ServerConfig;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import dev.factum.wire.WireJson;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code factum keys} offline on a data directory and online against a server with auth on, and
 * {@code --api-key} on the HTTP commands.
 */
class KeysCommandTest {
  @TempDir Path temp;

  private static FactumCommandTest.Run ok(String... argv) {
    FactumCommandTest.Run run = factum(argv);
    assertThat(run.exit()).as("%s: %s", String.join(" ", argv), run.err()).isZero();
    return run;
  }

  @Test
  void keysMadeOfflineWorkOnTheServerAndRevokingOnlineRefusesThem() throws Exception {
    Path data = Files.createDirectories(temp.resolve("data"));
    JsonNode admin =
        WireJson.mapper()
            .readTree(
                ok(
                        "keys",
                        "create",
                        "--name",
                        "ops",
                        "--role",
                        "admin",
                        "--data-dir",
                        data.toString())
                    .out());
    JsonNode writer =
        WireJson.mapper()
            .readTree(
                ok(
                        "keys",
                        "create",
                        "--name",
                        "orders",
                        "--role",
                        "writer",
                        "--category",
                        "order",
                        "--data-dir",
                        data.toString())
                    .out());
    assertThat(admin.get("key").asText()).startsWith("fk_");
    JsonNode listed =
        WireJson.mapper()
            .readTree(ok("keys", "list", "--data-dir", data.toString()).out())
            .get("keys");
    assertThat(listed).hasSize(2);
    assertThat(listed.toString()).doesNotContain(admin.get("key").asText().substring(20));

    try (FactumStore store = RocksDbEventStore.open(data);
        FactumServer server =
            FactumServer.start(
                store,
                ServerConfig.DEFAULT
                    .withPort(0)
                    .withAuth(AuthSettings.on(temp.resolve("first.key"))))) {
      String url = server.uri().toString();
      assertThat(Files.exists(temp.resolve("first.key"))).as("keys exist: no first key").isFalse();
      String key = writer.get("key").asText();
      ok("append", "order-1", "--type", "A", "--data", "{}", "--url", url, "--api-key", key);
      FactumCommandTest.Run outOfScope =
          factum(
              "append", "orders-1", "--type", "A", "--data", "{}", "--url", url, "--api-key", key);
      assertThat(outOfScope.exit()).isEqualTo(1);
      assertThat(outOfScope.err()).contains("forbidden (403)");
      FactumCommandTest.Run noKey = factum("read", "order-1", "--url", url);
      assertThat(noKey.err()).contains("unauthorized (401)");

      String adminKey = admin.get("key").asText();
      JsonNode online =
          WireJson.mapper()
              .readTree(
                  ok(
                          "keys",
                          "create",
                          "--name",
                          "r",
                          "--role",
                          "reader",
                          "--rate",
                          "5",
                          "--url",
                          url,
                          "--api-key",
                          adminKey)
                      .out());
      assertThat(online.get("ratePerSecond").asInt()).isEqualTo(5);
      ok("keys", "revoke", writer.get("id").asText(), "--url", url, "--api-key", adminKey);
      FactumCommandTest.Run revoked = factum("read", "order-1", "--url", url, "--api-key", key);
      assertThat(revoked.err()).contains("unauthorized (401)");
      JsonNode all =
          WireJson.mapper().readTree(ok("keys", "list", "--url", url, "--api-key", adminKey).out());
      assertThat(all.get("keys")).hasSize(3);
      assertThat(all.get("keys").get(1).get("status").asText()).isEqualTo("revoked");
    }
  }
}
