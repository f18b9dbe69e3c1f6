package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.engine.FactumStore;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import dev.factum.tck.Await;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenants over real HTTP on a real RocksDB data directory: each tenant is a store of its own (same
 * stream names, positions from 0, its own log, feeds, conditions and groups), a key of one tenant
 * can neither reach nor learn of anything of another or of the root store, tenants are managed by
 * root admins only, and deleting one removes its directory and refuses its keys (docs/SECURITY.md,
 * "Tenants").
 */
class TenantsHttpTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path directory;
  private FactumStore store;
  private FactumServer server;
  private String root;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();

  @BeforeEach
  void start() throws Exception {
    store = RocksDbEventStore.open(directory);
    server =
        FactumServer.start(
            store,
            ServerConfig.DEFAULT
                .withPort(0)
                .withAuth(AuthSettings.on(directory.resolve("admin.key"))),
            RocksDbEventStore.tenants(directory));
    root = Files.readString(directory.resolve("admin.key")).trim();
  }

  @AfterEach
  void stop() {
    server.close();
    store.close();
  }

  private TestServer.Reply call(String method, String path, String key, String body)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            TestServer.request(server.uri(), method, path, key, body).timeout(WAIT).build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new TestServer.Reply(
        response.statusCode(),
        response.headers().firstValue("Content-Type").orElse(""),
        response.body(),
        response);
  }

  private JsonNode created(TestServer.Reply reply) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    return reply.json();
  }

  private JsonNode tenant(String name) throws Exception {
    return created(call("POST", "/admin/tenants", root, "{\"name\":\"" + name + "\"}"));
  }

  private String key(String tenant, String role, String by) throws Exception {
    String body =
        "{\"name\":\"k\",\"role\":\""
            + role
            + "\""
            + (tenant == null ? "" : ",\"tenant\":\"" + tenant + "\"")
            + "}";
    return created(call("POST", "/admin/keys", by, body)).get("key").asText();
  }

  private static String append(String type, String marker) {
    return "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\""
        + type
        + "\",\"data\":{\"m\":\""
        + marker
        + "\"}}]}";
  }

  private long appended(String stream, String key, String type, String marker) throws Exception {
    TestServer.Reply reply = call("POST", "/streams/" + stream, key, append(type, marker));
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json().get("position").asLong();
  }

  private static String query(String json) {
    return URLEncoder.encode(json, StandardCharsets.UTF_8);
  }

  @Test
  void eachTenantIsAStoreOfItsOwnThatNoOtherKeyCanReachOrLearnOf() throws Exception {
    tenant("a");
    tenant("b");
    String adminA = key("a", "admin", root);
    String writerA = key(null, "writer", adminA); // a tenant admin's keys are its tenant's
    String writerB = key("b", "writer", root);
    String readerB = key("b", "reader", root);
    long rootPosition = appended("order-1", root, "T", "ROOT-MARK");
    assertThat(rootPosition).isPositive(); // the root log also holds $keys, $tenants, $audit

    // the same stream names in each tenant, each log from position 0
    assertThat(appended("order-1", writerA, "T", "A-MARK")).isZero();
    assertThat(appended("order-1", writerB, "T", "B-MARK")).isZero();
    assertThat(appended("order-1", writerB, "OnlyInB", "B-MARK-2")).isEqualTo(1);

    try (SseClient feedA =
        new SseClient(http, URI.create(server.uri() + "/all/events"), null, "Bearer " + adminA)) {
      assertThat(feedA.status).isEqualTo(200);
      Await.until("A's feed to catch up", WAIT, () -> feedA.events().size() == 1);

      TestServer.Reply streamA = call("GET", "/streams/order-1", adminA, null);
      assertThat(streamA.body()).contains("A-MARK").doesNotContain("B-MARK", "ROOT-MARK");
      TestServer.Reply allA = call("GET", "/all", writerA, null);
      assertThat(allA.json().get("events")).hasSize(1);
      assertThat(allA.json().get("events").get(0).get("position").asLong()).isZero();
      assertThat(call("GET", "/all", readerB, null).json().get("events")).hasSize(2);
      assertThat(call("GET", "/", readerB, null).body()).contains("\"headPosition\":1");
      TestServer.Reply rootAll = call("GET", "/all?limit=1000", root, null);
      assertThat(rootAll.body()).contains("ROOT-MARK").doesNotContain("A-MARK", "B-MARK");

      // filters, queries and conditions judge the tenant's own log only
      assertThat(call("GET", "/all?type=OnlyInB", adminA, null).json().get("events")).isEmpty();
      String onlyInB = "{\"items\":[{\"types\":[\"OnlyInB\"]}]}";
      assertThat(call("GET", "/all?query=" + query(onlyInB), adminA, null).json().get("events"))
          .isEmpty();
      TestServer.Reply dcbRead = call("GET", "/dcb/read?query=" + query(onlyInB), adminA, null);
      assertThat(dcbRead.status()).as(dcbRead.body()).isEqualTo(200);
      assertThat(dcbRead.body()).doesNotContain("B-MARK");
      String conditional =
          "{\"expectedRevision\":\"any\",\"condition\":{\"failIfEventsMatch\":"
              + onlyInB
              + "},\"events\":[{\"type\":\"T\",\"data\":{\"m\":\"A-MARK-2\"}}]}";
      TestServer.Reply condition = call("POST", "/streams/order-2", writerA, conditional);
      assertThat(condition.status()).as(condition.body()).isEqualTo(200);
      assertThat(condition.json().get("position").asLong()).isEqualTo(1);
      assertThat(call("POST", "/streams/order-3", writerB, conditional).status()).isEqualTo(409);

      // consumer groups are the tenant's
      assertThat(call("POST", "/groups", adminA, "{\"name\":\"g\"}").status()).isEqualTo(201);
      assertThat(call("GET", "/groups", readerB, null).body()).doesNotContain("\"g\"");
      assertThat(call("GET", "/groups/g", readerB, null).status()).isEqualTo(404);
      assertThat(call("POST", "/groups/g/poll", readerB, "{\"consumer\":\"c\"}").status())
          .isEqualTo(404);
      assertThat(call("GET", "/groups", root, null).body()).doesNotContain("\"g\"");

      // B's new event never reaches A's feed; A's own does, at A's position
      appended("order-1", writerB, "T", "B-MARK-3");
      appended("order-9", writerA, "T", "A-MARK-3");
      Await.until("A's feed to see A's event", WAIT, () -> feedA.events().size() == 3);
      for (SseClient.Frame frame : feedA.events()) {
        assertThat(frame.data()).doesNotContain("B-MARK");
      }
      assertThat(feedA.events().get(2).id()).isEqualTo("2");
    }

    // admin rights of a tenant stop at its tenant
    for (String path : List.of("/admin/tenants", "/admin/tenants/b", "/admin/tenants/zz")) {
      TestServer.Reply refused = call("GET", path, adminA, null);
      assertThat(refused.status()).as(path).isEqualTo(403);
      assertThat(refused.body()).doesNotContain("\"b\"");
    }
    assertThat(call("POST", "/admin/tenants", adminA, "{\"name\":\"c\"}").status()).isEqualTo(403);
    assertThat(call("DELETE", "/admin/tenants/b", adminA, null).status()).isEqualTo(403);
    assertThat(call("GET", "/admin/audit", adminA, null).status()).isEqualTo(403);
    JsonNode keysOfA = call("GET", "/admin/keys", adminA, null).json().get("keys");
    assertThat(keysOfA).hasSize(2);
    keysOfA.forEach(k -> assertThat(k.get("tenant").asText()).isEqualTo("a"));
    String idOfB = writerB.substring(3, 19);
    TestServer.Reply revokeB = call("DELETE", "/admin/keys/" + idOfB, adminA, null);
    assertThat(revokeB.status()).isEqualTo(404);
    assertThat(revokeB.json().get("code").asText()).isEqualTo("not-found");
    for (String other : List.of("b", "zz")) {
      TestServer.Reply refused =
          call(
              "POST",
              "/admin/keys",
              adminA,
              "{\"name\":\"x\",\"role\":\"admin\",\"tenant\":\"" + other + "\"}");
      assertThat(refused.status()).as(other).isEqualTo(403);
    }
    assertThat(call("GET", "/all", writerB, null).status()).isEqualTo(200); // B's key unharmed
    assertThat(call("GET", "/streams/$tenants", readerB, null).status()).isEqualTo(403);
    // the root admin sees every key and tenant
    JsonNode all = call("GET", "/admin/tenants", root, null).json().get("tenants");
    assertThat(all).hasSize(2);
    assertThat(all.get(0).get("name").asText()).isEqualTo("a");
    assertThat(all.get(0).get("keys").asInt()).isEqualTo(2);
  }

  /**
   * The attack corpus's "key of another tenant": every route with a valid admin key of tenant B
   * answers from B's store or refuses; never 5xx, never anything of the root store or of tenant A,
   * and neither store's log moves.
   */
  @Test
  void aKeyOfAnotherTenantReachesNothingOutsideItOnAnyRoute() throws Exception {
    tenant("a");
    tenant("b");
    String writerA = key("a", "writer", root);
    String adminB = key("b", "admin", root);
    appended("order-1", root, "T", "ROOT-MARK");
    appended("order-1", writerA, "T", "A-MARK");
    assertThat(call("POST", "/groups", root, "{\"name\":\"g\"}").status()).isEqualTo(201);
    long rootHead = store.headPosition();
    String headA = call("GET", "/", writerA, null).json().get("headPosition").asText();
    for (Route route : Route.values()) {
      if (route.permission == Permission.PUBLIC
          || route == Route.STREAM_EVENTS
          || route == Route.ALL_EVENTS) {
        continue; // feeds: below
      }
      String path =
          route
              .template
              .replace("{stream}", "order-1")
              .replace("{id}", writerA.substring(3, 19))
              .replace("{group}", "g")
              .replace("{subject}", "s")
              .replace("{name}", "a")
              .replace("{aggregateType}", "order")
              .replace("{aggregateId}", "6f1c2a4e-0000-4000-8000-000000000001")
              .replace("{feedName}", "order")
              .replace("{projectionName}", "p")
              .replace("{projectionId}", "x")
              .replace("{reactionName}", "probe")
              .replace("{reactionId}", "6f1c2a4e-0000-4000-8000-000000000002")
              .replace("{tenantId}", "6f1c2a4e-0000-4000-8000-000000000003");
      if (route == Route.DELETE_STREAM) {
        path += "?expectedRevision=any";
      }
      String body =
          switch (route) {
            case ADMIN_CREATE_KEY -> "{\"name\":\"evil\",\"role\":\"admin\",\"tenant\":\"a\"}";
            case ADMIN_CREATE_TENANT -> "{\"name\":\"a\"}";
            case APPEND, GROUP_APPEND -> append("T", "B-ATTACK");
            default -> route.method.equals("POST") || route.method.equals("PUT") ? "{}" : null;
          };
      TestServer.Reply reply = call(route.method, path, adminB, body);
      assertThat(reply.status()).as(route + ": " + reply.body()).isLessThan(500);
      assertThat(reply.body()).as(route.name()).doesNotContain("ROOT-MARK", "A-MARK");
    }
    for (String feed : List.of("/all/events", "/streams/order-1/events")) {
      try (SseClient sse =
          new SseClient(http, URI.create(server.uri() + feed), null, "Bearer " + adminB)) {
        appended("order-1", writerA, "T", "A-MARK-LIVE");
        appended("order-1", adminB, "T", "B-LIVE");
        Await.until(
            "B's feed to see B's event",
            WAIT,
            () -> sse.events().stream().anyMatch(f -> f.data().contains("B-LIVE")));
        assertThat(sse.events()).noneMatch(f -> f.data().contains("A-MARK"));
      }
    }
    assertThat(store.headPosition()).isEqualTo(rootHead);
    assertThat(call("GET", "/all", writerA, null).body()).doesNotContain("B-ATTACK", "B-LIVE");
    assertThat(call("GET", "/streams/order-1", writerA, null).json().get("events"))
        .hasSize(1 + 2); // A-MARK and the two A-MARK-LIVE events of the feeds above
    assertThat(headA).isEqualTo("0");
    assertThat(call("GET", "/admin/keys", root, null).body()).doesNotContain("evil");

    // once B is deleted, its key is like any invalid key on every route, feeds included
    assertThat(call("DELETE", "/admin/tenants/b", root, null).status()).isEqualTo(200);
    for (Route route : Route.values()) {
      if (route.permission == Permission.PUBLIC) {
        continue;
      }
      String path = route.template.replace("{stream}", "order-1").replace("{id}", "x");
      path =
          path.replace("{group}", "g")
              .replace("{subject}", "s")
              .replace("{name}", "a")
              .replace("{aggregateType}", "order")
              .replace("{aggregateId}", "6f1c2a4e-0000-4000-8000-000000000001")
              .replace("{feedName}", "order")
              .replace("{projectionName}", "p")
              .replace("{projectionId}", "x")
              .replace("{reactionName}", "probe")
              .replace("{reactionId}", "6f1c2a4e-0000-4000-8000-000000000002")
              .replace("{tenantId}", "6f1c2a4e-0000-4000-8000-000000000003");
      String body = route.method.equals("POST") || route.method.equals("PUT") ? "{}" : null;
      TestServer.Reply reply = call(route.method, path, adminB, body);
      assertThat(reply.status()).as(route.name()).isEqualTo(401);
      if (!route.method.equals("HEAD")) { // a HEAD answer has no body
        assertThat(reply.json().get("detail").asText()).isEqualTo("a valid API key is required");
      }
    }
  }

  @Test
  void badNamesUnknownTenantsAndDuplicatesHaveStableCodesAndWriteNothing() throws Exception {
    tenant("t-1");
    long head = store.headPosition();
    for (String bad :
        List.of(
            "\"\"",
            "\"T\"",
            "\"-a\"",
            "\"a-\"",
            "\"a_b\"",
            "\"../x\"",
            "\"a b\"",
            "\"" + "a".repeat(31) + "\"",
            "\"\u0430\"",
            "7",
            "null")) {
      TestServer.Reply reply = call("POST", "/admin/tenants", root, "{\"name\":" + bad + "}");
      assertThat(reply.status()).as(bad).isEqualTo(400);
      assertThat(reply.json().get("code").asText()).isEqualTo("invalid-request");
    }
    TestServer.Reply unknownField =
        call("POST", "/admin/tenants", root, "{\"name\":\"x\",\"quota\":1}");
    assertThat(unknownField.status()).isEqualTo(400);
    TestServer.Reply twice = call("POST", "/admin/tenants", root, "{\"name\":\"t-1\"}");
    assertThat(twice.status()).isEqualTo(409);
    assertThat(twice.json().get("code").asText()).isEqualTo("tenant-exists");
    for (String method : List.of("GET", "DELETE")) {
      TestServer.Reply missing = call(method, "/admin/tenants/nope", root, null);
      assertThat(missing.status()).isEqualTo(404);
      assertThat(missing.json().get("code").asText()).isEqualTo("tenant-not-found");
    }
    TestServer.Reply keyOfNothing =
        call("POST", "/admin/keys", root, "{\"name\":\"k\",\"role\":\"reader\",\"tenant\":\"no\"}");
    assertThat(keyOfNothing.status()).isEqualTo(404);
    assertThat(keyOfNothing.json().get("code").asText()).isEqualTo("tenant-not-found");
    assertThat(store.headPosition()).isEqualTo(head);
    assertThat(call("GET", "/admin/tenants/t-1", root, null).json().get("name").asText())
        .isEqualTo("t-1");
    try (Stream<Path> tenants = Files.list(directory.resolve("tenants"))) {
      assertThat(tenants.toList()).hasSize(1);
    }
  }

  @Test
  void deletingATenantRemovesItsDirectoryRevokesItsKeysAndClosesTheirFeeds() throws Exception {
    String id = tenant("gone").get("id").asText();
    Path data = directory.resolve("tenants").resolve("gone-" + id);
    assertThat(data).isDirectory();
    String writer = key("gone", "writer", root);
    appended("order-1", writer, "T", "OLD-MARK");
    assertThat(call("GET", "/metrics", null, null).body())
        .contains("factum_tenants 1.0")
        .contains("factum_tenant_stores_open 1.0")
        .doesNotContain("gone");
    try (SseClient feed =
        new SseClient(http, URI.create(server.uri() + "/all/events"), null, "Bearer " + writer)) {
      assertThat(feed.status).isEqualTo(200);
      TestServer.Reply deleted = call("DELETE", "/admin/tenants/gone", root, null);
      assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
      assertThat(deleted.json().get("status").asText()).isEqualTo("deleted");
      TestServer.Reply refused = call("GET", "/all", writer, null);
      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.json().get("detail").asText()).isEqualTo("a valid API key is required");
      Await.until("the deleted tenant's feed to close", WAIT, feed::ended);
    }
    assertThat(data).doesNotExist();
    assertThat(call("GET", "/metrics", null, null).body())
        .contains("factum_tenants 0.0")
        .contains("factum_tenant_stores_open 0.0");
    JsonNode keys = call("GET", "/admin/keys", root, null).json().get("keys");
    List<String> states = new ArrayList<>();
    keys.forEach(k -> states.add(k.get("tenant").asText("") + ":" + k.get("status").asText()));
    assertThat(states).contains("gone:revoked");

    // the same name again is a new, empty tenant; the old key stays refused
    String newId = tenant("gone").get("id").asText();
    assertThat(newId).isNotEqualTo(id);
    assertThat(call("GET", "/all", writer, null).status()).isEqualTo(401);
    String fresh = key("gone", "reader", root);
    assertThat(call("GET", "/all", fresh, null).json().get("events")).isEmpty();
    assertThat(call("GET", "/streams/order-1", fresh, null).status()).isEqualTo(404);

    List<String> actions = new ArrayList<>();
    for (JsonNode event : call("GET", "/admin/audit", root, null).json().get("events")) {
      JsonNode data2 = event.get("data");
      if (data2.has("tenant") && data2.get("action").asText().startsWith("tenant-")) {
        actions.add(data2.get("action").asText() + " " + data2.get("by").get("keyId").asText());
      }
    }
    String rootId = root.substring(3, 19);
    assertThat(actions)
        .containsExactly(
            "tenant-created " + rootId, "tenant-deleted " + rootId, "tenant-created " + rootId);
  }

  @Test
  void aServerWithoutTenantStorageRefusesTenantsWithAClearCode() throws Exception {
    Path other = directory.resolve("plain");
    try (FactumStore plain = RocksDbEventStore.open(other);
        FactumServer without = FactumServer.start(plain, ServerConfig.DEFAULT.withPort(0))) {
      long head = plain.headPosition();
      HttpResponse<String> reply =
          http.send(
              HttpRequest.newBuilder(URI.create(without.uri() + "/admin/tenants"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"a\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(reply.statusCode()).isEqualTo(409);
      assertThat(TestServer.JSON.readTree(reply.body()).get("code").asText())
          .isEqualTo("tenants-not-configured");
      assertThat(plain.headPosition()).isEqualTo(head);
      assertThat(other.resolve("tenants")).doesNotExist();
    }
  }
}
