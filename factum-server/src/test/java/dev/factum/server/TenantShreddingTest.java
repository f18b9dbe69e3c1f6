package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.engine.FactumStore;
import dev.factum.engine.MasterKey;
import dev.factum.engine.StoreOptions;
import dev.factum.engine.TenantStorage;
import dev.factum.postgres.testing.LocalPostgres;
import dev.factum.storage.postgres.PostgresConfig;
import dev.factum.storage.postgres.PostgresEventStore;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crypto-shredding in a tenant's store, on PostgreSQL and on RocksDB: the tenant storage opens each
 * tenant's store with the root's options (the master key), so a tenant's key appends events with a
 * subject, reads them decrypted, forgets the subject in its own store, and reads them redacted; the
 * root store never held that subject ({@code subject-not-found} for the root's admin).
 */
class TenantShreddingTest {
  private static final MasterKey MASTER = MasterKey.generate();
  private static final StoreOptions OPTIONS = StoreOptions.DEFAULT.withMasterKey(MASTER);

  @TempDir Path directory;
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void aPostgresTenantSealsForgetsAndReadsRedacted() throws Exception {
    LocalPostgres postgres = LocalPostgres.shared();
    String url = postgres.createDatabase("factum_tenant_shred");
    PostgresConfig config = PostgresConfig.of(url, postgres.user(), postgres.password());
    try (FactumStore root = PostgresEventStore.open(config, OPTIONS)) {
      forgetInATenant(root, PostgresEventStore.tenants(config, OPTIONS));
    }
  }

  @Test
  void aRocksDbTenantSealsForgetsAndReadsRedacted() throws Exception {
    Path data = directory.resolve("data");
    try (FactumStore root = RocksDbEventStore.open(data, OPTIONS)) {
      forgetInATenant(root, RocksDbEventStore.tenants(data, OPTIONS));
    }
  }

  private void forgetInATenant(FactumStore store, TenantStorage tenants) throws Exception {
    ServerConfig auth =
        ServerConfig.DEFAULT.withPort(0).withAuth(AuthSettings.on(directory.resolve("admin.key")));
    try (FactumServer server = FactumServer.start(store, auth, tenants)) {
      URI base = server.uri();
      String root = Files.readString(directory.resolve("admin.key")).trim();
      json(send(base, "POST", "/admin/tenants", root, "{\"name\":\"acme\"}"), 201);
      String acme =
          json(
                  send(
                      base,
                      "POST",
                      "/admin/keys",
                      root,
                      "{\"name\":\"a\",\"role\":\"admin\",\"tenant\":\"acme\"}"),
                  201)
              .get("key")
              .asText();
      String append =
          "{\"expectedRevision\":\"no_stream\",\"events\":["
              + "{\"type\":\"Registered\",\"data\":{\"name\":\"Alice Secret\"},"
              + "\"metadata\":{\"ip\":\"1.2.3.4\"},\"subject\":\"alice\"},"
              + "{\"type\":\"Noted\",\"data\":{\"public\":true}}]}";
      json(send(base, "POST", "/streams/person-1", acme, append), 200);
      JsonNode before = json(send(base, "GET", "/streams/person-1", acme, null), 200);
      JsonNode alice = before.get("events").get(0);
      assertThat(alice.get("subject").asText()).isEqualTo("alice");
      assertThat(alice.get("data").get("name").asText()).isEqualTo("Alice Secret");
      assertThat(alice.get("metadata").get("ip").asText()).isEqualTo("1.2.3.4");

      assertThat(
              json(send(base, "DELETE", "/admin/subjects/alice", root, null), 404)
                  .get("code")
                  .asText())
          .as("the root store holds no key of the tenant's subject")
          .isEqualTo("subject-not-found");
      json(send(base, "DELETE", "/admin/subjects/alice", acme, null), 200);

      for (String path : new String[] {"/streams/person-1", "/all"}) {
        JsonNode events = json(send(base, "GET", path, acme, null), 200).get("events");
        JsonNode shown = events.get(0);
        assertThat(shown.get("redacted").asBoolean()).as(path).isTrue();
        assertThat(shown.get("subject").asText()).isEqualTo("alice");
        assertThat(shown.get("data").toString()).isEqualTo("{\"redacted\":true}");
        assertThat(shown.has("metadata")).isFalse();
        assertThat(shown.get("id")).isEqualTo(alice.get("id"));
        assertThat(events.get(1)).isEqualTo(before.get("events").get(1));
      }
      assertThat(send(base, "GET", "/all", acme, null).body()).doesNotContain("Alice Secret");
    }
  }

  private HttpResponse<String> send(URI base, String method, String path, String key, String body)
      throws Exception {
    return http.send(
        TestServer.request(base, method, path, key, body).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response, int status) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return TestServer.JSON.readTree(response.body());
  }
}
