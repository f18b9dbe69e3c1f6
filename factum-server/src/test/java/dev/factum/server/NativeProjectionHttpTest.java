package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.engine.FactumStore;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native projections API ({@code /projections}, docs/PROJECTIONS.md) on a real server over a
 * real RocksDB directory: define, append, query with read-your-writes, one store of definitions
 * shared with {@code /serialized/projections}, bad definitions refused with nothing written, and a
 * tenant's projections invisible to another tenant.
 */
class NativeProjectionHttpTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  static final String ORDERS =
      "{\"feedName\":\"order\",\"indexedFields\":[\"customer\"],\"handlers\":["
          + "{\"eventType\":\"Placed\",\"functions\":["
          + "{\"function\":\"set\",\"targetSelector\":\"$.projection.customer\","
          + "\"eventSelector\":\"$.event.customer\"},"
          + "{\"function\":\"setref\",\"eventSelector\":\"$.event.customer\"},"
          + "{\"function\":\"inc\",\"targetSelector\":\"$.projection.events\"}]},"
          + "{\"eventType\":\"ItemAdded\",\"functions\":["
          + "{\"function\":\"add\",\"targetSelector\":\"$.projection.total\","
          + "\"eventSelector\":\"$.event.price\"},"
          + "{\"function\":\"inc\",\"targetSelector\":\"$.projection.events\"}]}]}";
  static final String TOTALS =
      "{\"feedName\":\"order\",\"aggregated\":true,\"handlers\":["
          + "{\"eventType\":\"ItemAdded\",\"functions\":["
          + "{\"function\":\"add\",\"targetSelector\":\"$.projection.revenue\","
          + "\"eventSelector\":\"$.event.price\"}]}]}";

  @TempDir Path directory;

  private static String event(String type, String data) {
    return "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\""
        + type
        + "\",\"data\":"
        + data
        + "}]}";
  }

  private static long appended(TestServer server, String stream, String type, String data)
      throws Exception {
    TestServer.Reply reply = server.post("/streams/" + stream, event(type, data));
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json().get("position").asLong();
  }

  @Test
  void definedNativelyQueriedNativelyAndThroughTheSerializedFace() throws Exception {
    try (TestServer server = new TestServer(directory)) {
      TestServer.Reply created = server.put("/projections/orders", ORDERS);
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      assertThat(created.json().get("projectionName").asText()).isEqualTo("orders");
      assertThat(server.put("/projections/orders", ORDERS).status())
          .as("the same definition again: replaced (unchanged)")
          .isEqualTo(200);
      assertThat(server.put("/projections/totals", TOTALS).status()).isEqualTo(201);

      appended(server, "order-1", "Placed", "{\"customer\":\"ann\"}");
      appended(server, "order-2", "Placed", "{\"customer\":\"bob\"}");
      appended(server, "order-1", "ItemAdded", "{\"price\":5}");
      long last = appended(server, "order-1", "ItemAdded", "{\"price\":7}");

      TestServer.Reply one =
          server.get("/projections/orders/documents/1?position=" + last + "&wait=10");
      assertThat(one.status()).as(one.body()).isEqualTo(200);
      assertThat(one.raw().headers().firstValue(NativeProjectionResource.PROCESSED))
          .hasValue("true");
      assertThat(one.json().get("id").asText()).isEqualTo("1");
      assertThat(one.json().get("reference").asText()).isEqualTo("ann");
      assertThat(one.json().at("/data/total").asLong())
          .as("read-your-writes: the last append is in the state read")
          .isEqualTo(12);
      assertThat(one.json().at("/data/events").asLong()).isEqualTo(3);

      TestServer.Reply page =
          server.get("/projections/orders/documents?sort=-reference&limit=1&position=" + last);
      assertThat(page.json().get("total").asLong()).isEqualTo(2);
      assertThat(page.json().get("hasMore").asBoolean()).isTrue();
      assertThat(page.json().at("/documents/0/id").asText()).isEqualTo("2");
      assertThat(server.get("/projections/orders/documents?search=AN").json().get("total").asLong())
          .isEqualTo(1);
      assertThat(server.get("/projections/orders/count").json().get("count").asLong()).isEqualTo(2);
      assertThat(server.get("/projections/orders/count?reference=bob").json().get("count").asLong())
          .isEqualTo(1);
      TestServer.Reply aggregate =
          server.get("/projections/totals/aggregate?position=" + last + "&wait=10");
      assertThat(aggregate.json().at("/data/revenue").asLong()).isEqualTo(12);
      assertThat(server.get("/projections/orders/aggregate").json().get("code").asText())
          .isEqualTo("invalid-request");

      TestServer.Reply ahead =
          server.get("/projections/orders/count?position=" + (last + 100) + "&wait=0");
      assertThat(ahead.raw().headers().firstValue(NativeProjectionResource.PROCESSED))
          .as("a position not yet in the log")
          .hasValue("false");
      assertThat(ahead.status()).isEqualTo(200);

      JsonNode status = server.get("/projections/orders/status").json();
      assertThat(status.get("name").asText()).isEqualTo("orders");
      assertThat(status.get("generation").asLong()).isEqualTo(1);
      assertThat(status.get("checkpoint").asLong()).isGreaterThan(last);
      assertThat(status.get("state").asText()).isEqualTo("live");

      // one store of definitions, two faces
      assertThat(server.get("/serialized/projections/definitions").json().get("definitions"))
          .extracting(d -> d.get("projectionName").asText())
          .containsExactly("orders", "totals");
      assertThat(server.get("/serialized/projections/single/orders/1").json().at("/data/total"))
          .isEqualTo(one.json().at("/data/total"));
      assertThat(
              server
                  .post(
                      "/serialized/projections/definitions",
                      ORDERS.replace(
                          "{\"feedName\"",
                          "{\"projectionName\":\"viaSerialized\"," + "\"feedName\""))
                  .status())
          .isEqualTo(200);
      assertThat(server.get("/projections").json().get("projections"))
          .extracting(d -> d.get("projectionName").asText())
          .containsExactly("orders", "totals", "viaSerialized");
      TestServer.Reply awaited = server.get("/projections/viaSerialized/documents/2?wait=10");
      assertThat(awaited.status())
          .as("a wait for creation: the new definition builds from the log")
          .isEqualTo(200);
      assertThat(awaited.json().at("/data/customer").asText()).isEqualTo("bob");

      assertThat(server.delete("/projections/viaSerialized").status()).isEqualTo(204);
      assertThat(server.get("/serialized/projections/definitions/viaSerialized").status())
          .isEqualTo(404);
      assertThat(server.get("/projections/viaSerialized").json().get("code").asText())
          .isEqualTo("projection-not-found");
      assertThat(server.get("/projections/orders/documents/9").json().get("code").asText())
          .isEqualTo("projection-not-found");

      // read-your-writes over several runner batches: the answer waits for the last of them
      StringBuilder bulk = new StringBuilder("{\"expectedRevision\":\"any\",\"events\":[");
      for (int i = 0; i < 300; i++) {
        bulk.append(i == 0 ? "" : ",").append("{\"type\":\"ItemAdded\",\"data\":{\"price\":1}}");
      }
      TestServer.Reply many = server.post("/streams/order-3", bulk.append("]}").toString());
      assertThat(many.status()).as(many.body()).isEqualTo(200);
      long bulkEnd = many.json().get("position").asLong();
      TestServer.Reply after =
          server.get("/projections/orders/documents/3?position=" + bulkEnd + "&wait=10");
      assertThat(after.raw().headers().firstValue(NativeProjectionResource.PROCESSED))
          .hasValue("true");
      assertThat(after.json().at("/data/events").asLong())
          .as("every one of the append's 300 events is in the state read")
          .isEqualTo(300);
    }
  }

  @Test
  void badDefinitionsAreInvalidRequestsAndWriteNothing() throws Exception {
    try (TestServer server = new TestServer(directory)) {
      String[] bad = {
        "{}",
        "[]",
        "not json",
        ORDERS.replace("\"set\"", "\"explode\""),
        ORDERS.replace("$.projection.customer", "projection.customer"),
        ORDERS.replace("{\"feedName\":\"order\"", "{\"feedName\":\"or-der\""),
        ORDERS.replace("{\"feedName\"", "{\"unknown\":1,\"feedName\""),
        ORDERS.replace("{\"feedName\"", "{\"projectionName\":\"other\",\"feedName\""),
        ORDERS.replace("\"inc\"", "\"" + "x".repeat(100_000) + "\""),
      };
      for (String body : bad) {
        TestServer.Reply reply = server.put("/projections/orders", body);
        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.json().get("code").asText()).isEqualTo("invalid-request");
      }
      assertThat(server.put("/projections/bad%20name", ORDERS).json().get("code").asText())
          .isEqualTo("invalid-request");
      assertThat(server.get("/projections/orders/documents?limit=0").status()).isEqualTo(404);
      assertThat(server.get("/projections").json().get("projections")).isEmpty();
      assertThat(server.get("/serialized/projections/definitions").json().get("definitions"))
          .isEmpty();

      server.put("/projections/orders", ORDERS);
      assertThat(server.get("/projections/orders/documents?limit=0").json().get("code").asText())
          .isEqualTo("invalid-request");
      assertThat(server.get("/projections/orders/count?position=-1").json().get("code").asText())
          .isEqualTo("invalid-request");
      assertThat(server.get("/projections/orders/count?wait=100000").json().get("code").asText())
          .isEqualTo("invalid-request");
      assertThat(server.get("/projections/orders/count?skip=1").json().get("code").asText())
          .isEqualTo("invalid-request");
    }
  }

  @Test
  void aTenantsProjectionsAreInvisibleToAnotherTenant() throws Exception {
    try (FactumStore store = RocksDbEventStore.open(directory);
        FactumServer server =
            FactumServer.start(
                store,
                ServerConfig.DEFAULT
                    .withPort(0)
                    .withAuth(AuthSettings.on(directory.resolve("admin.key"))),
                RocksDbEventStore.tenants(directory))) {
      Http http = new Http(server.uri().toString());
      String root = Files.readString(directory.resolve("admin.key")).trim();
      for (String tenant : new String[] {"a", "b"}) {
        assertThat(http.call("POST", "/admin/tenants", root, "{\"name\":\"" + tenant + "\"}"))
            .isEqualTo(201);
      }
      String a = http.key("a", root);
      String b = http.key("b", root);

      assertThat(http.call("PUT", "/projections/orders", a, ORDERS)).isEqualTo(201);
      assertThat(
              http.call(
                  "POST", "/streams/order-1", a, event("Placed", "{\"customer\":\"a-secret\"}")))
          .isEqualTo(200);
      assertThat(http.call("GET", "/projections/orders/documents/1?wait=10", a, null))
          .isEqualTo(200);
      assertThat(http.body).contains("a-secret");

      assertThat(http.call("GET", "/projections", b, null)).isEqualTo(200);
      assertThat(http.json().get("projections")).isEmpty();
      assertThat(http.call("GET", "/projections/orders/documents/1", b, null)).isEqualTo(404);
      assertThat(http.call("GET", "/projections", root, null)).isEqualTo(200);
      assertThat(http.json().get("projections")).as("nor the root store's").isEmpty();

      assertThat(http.call("PUT", "/projections/orders", b, TOTALS)).isEqualTo(201);
      assertThat(http.call("GET", "/projections/orders", a, null)).isEqualTo(200);
      assertThat(http.json().get("aggregated").asBoolean())
          .as("b's definition of the same name is b's own")
          .isFalse();
      assertThat(http.call("GET", "/projections/orders/count", b, null)).isEqualTo(200);
      assertThat(http.json().get("count").asLong()).isZero();
    }
  }

  /** A tiny HTTP caller with bearer keys, remembering the last body. */
  private static final class Http {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(WAIT).build();
    private final String base;
    String body;

    Http(String base) {
      this.base = base;
    }

    int call(String method, String path, String key, String json) throws Exception {
      HttpRequest request =
          TestServer.request(URI.create(base), method, path, key, json)
              .timeout(WAIT.multipliedBy(2))
              .build();
      HttpResponse<String> response =
          client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      body = response.body();
      return response.statusCode();
    }

    JsonNode json() throws Exception {
      return TestServer.JSON.readTree(body);
    }

    String key(String tenant, String root) throws Exception {
      assertThat(
              call(
                  "POST",
                  "/admin/keys",
                  root,
                  "{\"name\":\"k\",\"role\":\"writer\",\"tenant\":\"" + tenant + "\"}"))
          .as(body)
          .isEqualTo(201);
      return json().get("key").asText();
    }
  }
}
