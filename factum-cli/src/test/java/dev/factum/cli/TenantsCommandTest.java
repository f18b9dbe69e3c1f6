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
 * {@code factum tenants} against a server with auth on, and {@code factum keys create --tenant}
 * online and offline: a tenant's key acts on its tenant's store; deleting the tenant removes its
 * directory and refuses its keys.
 */
class TenantsCommandTest {
  @TempDir Path temp;

  private static FactumCommandTest.Run ok(String... argv) {
    FactumCommandTest.Run run = factum(argv);
    assertThat(run.exit()).as("%s: %s", String.join(" ", argv), run.err()).isZero();
    return run;
  }

  private static JsonNode json(FactumCommandTest.Run run) throws Exception {
    return WireJson.mapper().readTree(run.out());
  }

  @Test
  void tenantsAreCreatedListedAndDeletedThroughTheServer() throws Exception {
    Path data = Files.createDirectories(temp.resolve("data"));
    String root =
        json(ok(
                "keys",
                "create",
                "--name",
                "ops",
                "--role",
                "admin",
                "--data-dir",
                data.toString()))
            .get("key")
            .asText();
    String id;
    try (FactumStore store = RocksDbEventStore.open(data);
        FactumServer server =
            FactumServer.start(
                store,
                ServerConfig.DEFAULT.withPort(0).withAuth(AuthSettings.on(temp.resolve("k"))),
                RocksDbEventStore.tenants(data))) {
      String url = server.uri().toString();
      id =
          json(ok("tenants", "create", "acme", "--url", url, "--api-key", root)).get("id").asText();
      FactumCommandTest.Run twice =
          factum("tenants", "create", "acme", "--url", url, "--api-key", root);
      assertThat(twice.exit()).isEqualTo(1);
      assertThat(twice.err()).contains("tenant-exists (409)");
      FactumCommandTest.Run bad =
          factum("tenants", "create", "Acme!", "--url", url, "--api-key", root);
      assertThat(bad.err()).contains("invalid-request (400)");
      String key =
          json(ok(
                  "keys",
                  "create",
                  "--name",
                  "w",
                  "--role",
                  "writer",
                  "--tenant",
                  "acme",
                  "--url",
                  url,
                  "--api-key",
                  root))
              .get("key")
              .asText();
      ok("append", "order-1", "--type", "A", "--data", "{}", "--url", url, "--api-key", key);
      assertThat(json(ok("read", "order-1", "--url", url, "--api-key", key)).toString())
          .contains("\"position\":0");
      JsonNode tenants =
          json(ok("tenants", "list", "--url", url, "--api-key", root)).get("tenants");
      assertThat(tenants).hasSize(1);
      assertThat(tenants.get(0).get("name").asText()).isEqualTo("acme");
      assertThat(data.resolve("tenants").resolve("acme-" + id)).isDirectory();
      ok("tenants", "delete", "acme", "--url", url, "--api-key", root);
      assertThat(factum("read", "order-1", "--url", url, "--api-key", key).err())
          .contains("unauthorized (401)");
      FactumCommandTest.Run gone =
          factum("tenants", "delete", "acme", "--url", url, "--api-key", root);
      assertThat(gone.err()).contains("tenant-not-found (404)");
    }
    assertThat(data.resolve("tenants").resolve("acme-" + id)).doesNotExist();
    FactumCommandTest.Run noTenant =
        factum(
            "keys",
            "create",
            "--name",
            "x",
            "--role",
            "reader",
            "--tenant",
            "acme",
            "--data-dir",
            data.toString());
    assertThat(noTenant.exit()).isEqualTo(1);
    assertThat(noTenant.err()).contains("no tenant named 'acme'");
  }
}
