package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.engine.FactumStore;
import dev.factum.postgres.testing.LocalPostgres;
import dev.factum.storage.postgres.PostgresConfig;
import dev.factum.storage.postgres.PostgresEventStore;
import dev.factum.tck.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two servers over one PostgreSQL database with tenants: a tenant is a schema of its own (same
 * stream names, positions from 0 in each, nothing of one visible through another's key, on either
 * server); a tenant created on one server is honoured by the other within the documented bound, and
 * so is its deletion (its keys refused, its schema dropped). The measured delays are printed.
 */
class TenantsAcrossServersTest {
  /** The bound docs/SECURITY.md states for a loaded machine (normally milliseconds). */
  private static final Duration BOUND = Duration.ofSeconds(5);

  @TempDir Path directory;
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> send(URI base, String method, String path, String key, String body)
      throws Exception {
    return http.send(
        TestServer.request(base, method, path, key, body).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode json(HttpResponse<String> response, int status) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return TestServer.JSON.readTree(response.body());
  }

  private int status(URI base, String path, String key) {
    try {
      return send(base, "GET", path, key, null).statusCode();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String append(String marker) {
    return "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{\"m\":\""
        + marker
        + "\"}}]}";
  }

  private static List<String> schemas(LocalPostgres postgres, String url) throws Exception {
    List<String> schemas = new ArrayList<>();
    try (Connection connection = postgres.connect(url);
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'factum\\_%' ORDER BY 1")) {
      while (rows.next()) {
        schemas.add(rows.getString(1));
      }
    }
    return schemas;
  }

  @Test
  void tenantsAreSchemasOfTheirOwnAndTheirLifeIsHonouredAcrossServers() throws Exception {
    LocalPostgres postgres = LocalPostgres.shared();
    String url = postgres.createDatabase("factum_tenants");
    PostgresConfig config = PostgresConfig.of(url, postgres.user(), postgres.password());
    ServerConfig auth =
        ServerConfig.DEFAULT.withPort(0).withAuth(AuthSettings.on(directory.resolve("admin.key")));
    try (FactumStore storeA = PostgresEventStore.open(config);
        FactumServer a = FactumServer.start(storeA, auth, PostgresEventStore.tenants(config));
        FactumStore storeB = PostgresEventStore.open(config);
        FactumServer b = FactumServer.start(storeB, auth, PostgresEventStore.tenants(config))) {
      String root = Files.readString(directory.resolve("admin.key")).trim();
      json(send(a.uri(), "POST", "/streams/order-1", root, append("ROOT-MARK")), 200);

      // created on A, honoured on B
      String red =
          json(send(a.uri(), "POST", "/admin/tenants", root, "{\"name\":\"red\"}"), 201)
              .get("id")
              .asText();
      long createdAt = System.nanoTime();
      String redKey =
          json(
                  send(
                      a.uri(),
                      "POST",
                      "/admin/keys",
                      root,
                      "{\"name\":\"w\",\"role\":\"admin\",\"tenant\":\"red\"}"),
                  201)
              .get("key")
              .asText();
      Await.until(
          "server B to honour the new tenant's key",
          BOUND,
          () -> status(b.uri(), "/all", redKey) == 200);
      long honoured = System.nanoTime() - createdAt;
      json(send(b.uri(), "POST", "/admin/tenants", root, "{\"name\":\"blue\"}"), 201);
      String blueKey =
          json(
                  send(
                      b.uri(),
                      "POST",
                      "/admin/keys",
                      root,
                      "{\"name\":\"w\",\"role\":\"writer\",\"tenant\":\"blue\"}"),
                  201)
              .get("key")
              .asText();
      assertThat(schemas(postgres, url))
          .hasSize(2)
          .contains("factum_red_" + red)
          .anyMatch(schema -> schema.startsWith("factum_blue_"));

      // the same stream in each tenant, through either server, each log from 0
      assertThat(
              json(send(b.uri(), "POST", "/streams/order-1", redKey, append("RED-MARK")), 200)
                  .get("position")
                  .asLong())
          .isZero();
      assertThat(
              json(send(a.uri(), "POST", "/streams/order-1", blueKey, append("BLUE-MARK")), 200)
                  .get("position")
                  .asLong())
          .isZero();
      assertThat(
              json(send(a.uri(), "POST", "/streams/order-1", redKey, append("RED-MARK-2")), 200)
                  .get("position")
                  .asLong())
          .isEqualTo(1);
      for (URI server : List.of(a.uri(), b.uri())) {
        String redAll = send(server, "GET", "/all", redKey, null).body();
        assertThat(redAll).contains("RED-MARK", "RED-MARK-2").doesNotContain("BLUE", "ROOT");
        String blueAll = send(server, "GET", "/streams/order-1", blueKey, null).body();
        assertThat(blueAll).contains("BLUE-MARK").doesNotContain("RED", "ROOT");
        String rootAll = send(server, "GET", "/all?limit=1000", root, null).body();
        assertThat(rootAll).contains("ROOT-MARK").doesNotContain("RED-MARK", "BLUE-MARK");
      }
      // a commit of red wakes red's feed on the other server (its own channel), at red's position
      try (SseClient feed =
          new SseClient(
              http, URI.create(b.uri() + "/all/events?from=2"), null, "Bearer " + redKey)) {
        assertThat(feed.status).isEqualTo(200);
        json(send(a.uri(), "POST", "/streams/order-1", blueKey, append("BLUE-LIVE")), 200);
        json(send(a.uri(), "POST", "/streams/order-1", redKey, append("RED-LIVE")), 200);
        Await.until("red's feed on B to see red's event", BOUND, () -> !feed.events().isEmpty());
        assertThat(feed.events().getFirst().id()).isEqualTo("2");
        assertThat(feed.events().getFirst().data()).contains("RED-LIVE");

        // deleted on A: refused on B within the bound, its feed there closed, its schema gone
        json(send(a.uri(), "DELETE", "/admin/tenants/red", root, null), 200);
        long deletedAt = System.nanoTime();
        assertThat(status(a.uri(), "/all", redKey)).isEqualTo(401);
        Await.until(
            "server B to refuse the deleted tenant's key",
            BOUND,
            () -> status(b.uri(), "/all", redKey) == 401);
        long refused = System.nanoTime() - deletedAt;
        Await.until("server B to close the deleted tenant's feed", BOUND, feed::ended);
        System.out.printf(
            "tenants across servers: created->honoured on B %.1f ms, deleted->refused on B %.1f ms%n",
            honoured / 1e6, refused / 1e6);
      }
      assertThat(schemas(postgres, url)).noneMatch(s -> s.startsWith("factum_red_"));
      assertThat(
              json(send(b.uri(), "GET", "/admin/tenants/red", root, null), 404)
                  .get("code")
                  .asText())
          .isEqualTo("tenant-not-found");
      assertThat(status(b.uri(), "/all", blueKey)).isEqualTo(200);
      Await.until(
          "server B to close the deleted tenant's store",
          BOUND,
          () -> {
            try {
              return send(b.uri(), "GET", "/metrics", null, null)
                  .body()
                  .contains("factum_tenant_stores_open 1.0");
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
    }
  }

  /**
   * A tenant's first sink and webhook, made on A, run on B without any request of the tenant to B
   * (the root store's marker, followed every second); a sink deleted on A stops on B; the tenant
   * deleted on A takes its forwarders off B. The sink is paused (no broker is needed: what runs
   * where is under test, forwarding is proven in factum-cli's TenantForwardersTest).
   */
  @Test
  void aTenantsForwardersMadeOnOneServerRunOnTheOtherAndStopWithTheTenant() throws Exception {
    LocalPostgres postgres = LocalPostgres.shared();
    String url = postgres.createDatabase("factum_tenant_sinks");
    PostgresConfig config = PostgresConfig.of(url, postgres.user(), postgres.password());
    ServerConfig auth =
        ServerConfig.DEFAULT.withPort(0).withAuth(AuthSettings.on(directory.resolve("admin.key")));
    try (FactumStore storeA = PostgresEventStore.open(config);
        FactumServer a = FactumServer.start(storeA, auth, PostgresEventStore.tenants(config));
        FactumStore storeB = PostgresEventStore.open(config);
        FactumServer b = FactumServer.start(storeB, auth, PostgresEventStore.tenants(config))) {
      String root = Files.readString(directory.resolve("admin.key")).trim();
      json(send(a.uri(), "POST", "/admin/tenants", root, "{\"name\":\"green\"}"), 201);
      String green =
          json(
                  send(
                      a.uri(),
                      "POST",
                      "/admin/keys",
                      root,
                      "{\"name\":\"g\",\"role\":\"admin\",\"tenant\":\"green\"}"),
                  201)
              .get("key")
              .asText();
      json(
          send(
              a.uri(),
              "POST",
              "/admin/sinks",
              green,
              "{\"name\":\"s\",\"topic\":\"t\",\"bootstrapServers\":\"127.0.0.1:1\","
                  + "\"paused\":true}"),
          201);
      json(
          send(
              a.uri(),
              "POST",
              "/admin/webhooks",
              green,
              "{\"name\":\"w\",\"url\":\"http://127.0.0.1:1/\",\"paused\":true}"),
          201);
      String sinkRow = "factum_sink_lag_events{sink=\"s\",tenant=\"green\"}";
      String hookRow = "factum_webhook_delivered_events{tenant=\"green\",webhook=\"w\"}";
      Await.until(
          "B runs green's sink and webhook",
          BOUND,
          () -> metrics(b).contains(sinkRow) && metrics(b).contains(hookRow));
      assertThat(metrics(b)).doesNotContain("sink=\"s\",tenant=\"\"");

      json(send(a.uri(), "DELETE", "/admin/sinks/s", green, null), 200);
      Await.until("B stops green's deleted sink", BOUND, () -> !metrics(b).contains(sinkRow));

      json(send(a.uri(), "DELETE", "/admin/tenants/green", root, null), 200);
      Await.until(
          "B stops green's forwarders", BOUND, () -> !metrics(b).contains("tenant=\"green\""));
    }
  }

  private String metrics(FactumServer server) {
    try {
      return send(server.uri(), "GET", "/metrics", null, null).body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
