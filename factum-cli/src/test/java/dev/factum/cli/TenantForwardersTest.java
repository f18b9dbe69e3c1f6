package dev.factum.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.factum.engine.FactumStore;
import dev.factum.kafka.testing.LocalKafka;
import dev.factum.server.AuthSettings;
import dev.factum.server.FactumServer;
import dev.factum.server.ServerConfig;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import dev.factum.tck.Await;
import dev.factum.wire.WireJson;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sinks and webhooks of tenants' stores (docs/KAFKA.md and docs/WEBHOOKS.md, "Tenants"), on a
 * real server with auth on, a real Kafka broker and a real webhook receiver, with keys of two
 * tenants and of the root store: each store's sink forwards exactly that store's events (the root
 * store's sink none of the tenants'), each webhook receives exactly its store's; no key reaches
 * another store's sinks or webhooks (the same names in three stores are three forwarders; another
 * store's name is {@code sink-not-found} / {@code webhook-not-found} and changes nothing); a scoped
 * or non-admin key of the tenant is {@code forbidden}; the CLI works with a tenant's admin key; the
 * metrics name the tenant; a restarted server starts a tenant's forwarders before any request of
 * the tenant; deleting the tenant stops them.
 */
class TenantForwardersTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  @TempDir static Path brokerDirectory;
  private static LocalKafka kafka;
  @TempDir Path temp;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();
  private final Map<String, List<String>> received = new ConcurrentHashMap<>();
  private HttpServer receiver;
  private FactumServer server;
  private String root;

  @BeforeAll
  static void startBroker() throws Exception {
    kafka = LocalKafka.start(brokerDirectory.resolve("kafka"));
  }

  @AfterAll
  static void stopBroker() throws Exception {
    kafka.close();
  }

  private record Reply(int status, JsonNode json, String body) {
    String code() {
      return json == null ? null : json.path("code").asText(null);
    }
  }

  private Reply call(String method, String path, String key, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server.uri() + path)).timeout(WAIT);
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    JsonNode json = null;
    if (response.body().startsWith("{")) {
      json = WireJson.mapper().readTree(response.body());
    }
    return new Reply(response.statusCode(), json, response.body());
  }

  private JsonNode ok(Reply reply, int status) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    return reply.json();
  }

  private String key(String tenant, String role, String extra) throws Exception {
    String body =
        "{\"name\":\"k\",\"role\":\""
            + role
            + "\""
            + (tenant == null ? "" : ",\"tenant\":\"" + tenant + "\"")
            + extra
            + "}";
    return ok(call("POST", "/admin/keys", root, body), 201).get("key").asText();
  }

  private void append(String key, String stream, String marker) throws Exception {
    ok(
        call(
            "POST",
            "/streams/" + stream,
            key,
            "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{\"m\":\""
                + marker
                + "\"}}]}"),
        200);
  }

  private String sink(String name, String topic) {
    return "{\"name\":\""
        + name
        + "\",\"topic\":\""
        + topic
        + "\",\"bootstrapServers\":\""
        + kafka.bootstrap()
        + "\"}";
  }

  private String webhook(String name, String path) {
    return "{\"name\":\""
        + name
        + "\",\"url\":\"http://127.0.0.1:"
        + receiver.getAddress().getPort()
        + path
        + "\",\"backoffMillis\":100}";
  }

  private void startServer(Path data) throws IOException {
    FactumStore store = RocksDbEventStore.open(data);
    try {
      server =
          FactumServer.start(
              store,
              ServerConfig.DEFAULT.withPort(0).withAuth(AuthSettings.on(data.resolve("admin.key"))),
              RocksDbEventStore.tenants(data));
    } catch (RuntimeException | IOException e) {
      store.close();
      throw e;
    }
    stores.add(store);
    root = Files.readString(data.resolve("admin.key")).trim();
  }

  private final List<FactumStore> stores = new ArrayList<>();

  private void stopServer() {
    server.close();
    for (FactumStore store : stores) {
      store.close();
    }
    stores.clear();
  }

  @Test
  void eachStoreForwardsOnlyItsOwnEventsAndNoKeyReachesAnotherStoresForwarders() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    receiver.createContext(
        "/",
        exchange -> {
          JsonNode body = WireJson.mapper().readTree(exchange.getRequestBody().readAllBytes());
          for (JsonNode event : body.get("events")) {
            received
                .computeIfAbsent(
                    exchange.getRequestURI().getPath(), p -> new CopyOnWriteArrayList<>())
                .add(event.get("data").get("m").asText());
          }
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    receiver.start();
    Path data = temp.resolve("data");
    startServer(data);
    try {
      ok(call("POST", "/admin/tenants", root, "{\"name\":\"a\"}"), 201);
      ok(call("POST", "/admin/tenants", root, "{\"name\":\"b\"}"), 201);
      String adminA = key("a", "admin", "");
      String adminB = key("b", "admin", "");
      String writerA = key("a", "writer", "");
      String scopedA = key("a", "admin", ",\"categories\":[\"order\"]");

      // the same names in three stores: three forwarders, each of its own store
      ok(call("POST", "/admin/sinks", adminA, sink("out", "t-a")), 201);
      ok(call("POST", "/admin/sinks", root, sink("out", "t-root")), 201);
      FactumCommandTest.Run createdB =
          FactumCommandTest.factum(
              "sinks",
              "create",
              "out",
              "--topic",
              "t-b",
              "--bootstrap",
              kafka.bootstrap(),
              "--url",
              server.uri().toString(),
              "--api-key",
              adminB);
      assertThat(createdB.exit()).as(createdB.err()).isZero();
      // paused: it never connects, and its pause flag shows whether another key changed it
      ok(
          call(
              "POST",
              "/admin/sinks",
              adminA,
              sink("only-a", "t-only-a").replace("}", ",\"paused\":true}")),
          201);
      ok(call("POST", "/admin/webhooks", adminA, webhook("hook", "/a")), 201);
      ok(call("POST", "/admin/webhooks", adminB, webhook("hook", "/b")), 201);
      ok(call("POST", "/admin/webhooks", root, webhook("hook", "/root")), 201);

      for (int i = 0; i < 5; i++) {
        append(adminA, "order-" + i, "a" + i);
        append(adminB, "order-" + i, "b" + i);
        append(root, "order-" + i, "root" + i);
      }
      assertThat(markers(readCommitted("t-a", 5))).isEqualTo(expected("a"));
      assertThat(markers(readCommitted("t-b", 5))).isEqualTo(expected("b"));
      assertThat(markers(readCommitted("t-root", 5))).isEqualTo(expected("root"));
      Await.until("webhooks delivered", WAIT, () -> total() >= 15);
      assertThat(new TreeSet<>(received.get("/a"))).isEqualTo(expected("a"));
      assertThat(new TreeSet<>(received.get("/b"))).isEqualTo(expected("b"));
      assertThat(new TreeSet<>(received.get("/root"))).isEqualTo(expected("root"));

      // B's key, and root's, cannot see, change or delete A's
      assertThat(names(ok(call("GET", "/admin/sinks", adminB, null), 200), "sinks"))
          .containsExactly("out");
      FactumCommandTest.Run listB =
          FactumCommandTest.factum(
              "sinks", "list", "--url", server.uri().toString(), "--api-key", adminB);
      assertThat(listB.exit()).as(listB.err()).isZero();
      assertThat(listB.out()).contains("t-b").doesNotContain("t-a").doesNotContain("only-a");
      for (String other : new String[] {adminB, root}) {
        for (String[] request :
            new String[][] {
              {"GET", "/admin/sinks/only-a"},
              {"POST", "/admin/sinks/only-a/resume"},
              {"DELETE", "/admin/sinks/only-a"}
            }) {
          Reply refused = call(request[0], request[1], other, null);
          assertThat(refused.status()).as(request[1]).isEqualTo(404);
          assertThat(refused.code()).isEqualTo("sink-not-found");
        }
      }
      assertThat(names(ok(call("GET", "/admin/webhooks", adminB, null), 200), "webhooks"))
          .containsExactly("hook");
      ok(call("POST", "/admin/webhooks/hook/pause", adminB, null), 200);
      // the scoped and the writer key of A are refused before anything is looked up
      for (String weak : new String[] {scopedA, writerA}) {
        Reply refused = call("POST", "/admin/sinks", weak, sink("x", "t-x"));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.code()).isEqualTo("forbidden");
        assertThat(call("GET", "/admin/webhooks", weak, null).status()).isEqualTo(403);
      }
      // a tenant's transactional ids are its own: same names never fence another store's sink
      assertThat(
              ok(call("GET", "/admin/sinks/out", adminA, null), 200)
                  .get("producerProperties")
                  .get("transactional.id")
                  .asText())
          .startsWith("factum-sink-a-")
          .endsWith("-out");
      Reply stolen =
          call(
              "POST",
              "/admin/sinks",
              adminB,
              sink("steal", "t-x")
                  .replace(
                      "}", ",\"producerProperties\":{\"transactional.id\":\"factum-sink-out\"}}"));
      assertThat(stolen.status()).as(stolen.body()).isEqualTo(400);
      assertThat(stolen.code()).isEqualTo("invalid-request");
      JsonNode onlyA = ok(call("GET", "/admin/sinks/only-a", adminA, null), 200);
      assertThat(onlyA.get("paused").asBoolean()).isTrue();
      assertThat(names(ok(call("GET", "/admin/sinks", adminA, null), 200), "sinks"))
          .containsExactly("only-a", "out");
      assertThat(
              ok(call("GET", "/admin/webhooks/hook", adminA, null), 200).get("paused").asBoolean())
          .isFalse();
      assertThat(ok(call("GET", "/admin/webhooks/hook", root, null), 200).get("paused").asBoolean())
          .isFalse();

      String metrics = call("GET", "/metrics", null, null).body();
      assertThat(metrics)
          .contains("factum_sink_forwarded_events{sink=\"out\",tenant=\"a\"} 5.0")
          .contains("factum_sink_forwarded_events{sink=\"out\",tenant=\"b\"} 5.0")
          .contains("factum_sink_forwarded_events{sink=\"out\",tenant=\"\"} 5.0")
          .contains("factum_webhook_delivered_events{tenant=\"a\",webhook=\"hook\"} 5.0");
    } finally {
      stopServer();
    }

    // a restart starts A's and B's forwarders before any request of theirs
    startServer(data);
    try {
      // started before the server served: the first scrape shows them
      assertThat(call("GET", "/metrics", null, null).body())
          .contains("factum_sink_lag_events{sink=\"only-a\",tenant=\"a\"}")
          .contains("factum_sink_lag_events{sink=\"out\",tenant=\"b\"}");
      String adminA = key("a", "admin", "");
      append(adminA, "order-9", "a9");
      Set<String> more = expected("a");
      more.add("a9");
      assertThat(markers(readCommitted("t-a", 6))).isEqualTo(more);

      ok(call("DELETE", "/admin/tenants/a", root, null), 200);
      String metrics = call("GET", "/metrics", null, null).body();
      assertThat(metrics)
          .doesNotContain("tenant=\"a\"")
          .contains("factum_sink_lag_events{sink=\"out\",tenant=\"b\"}");
    } finally {
      stopServer();
      receiver.stop(0);
    }
  }

  private int total() {
    return received.values().stream().mapToInt(List::size).sum();
  }

  private static Set<String> expected(String prefix) {
    Set<String> markers = new TreeSet<>();
    for (int i = 0; i < 5; i++) {
      markers.add(prefix + i);
    }
    return markers;
  }

  private static List<String> names(JsonNode list, String member) {
    List<String> names = new ArrayList<>();
    for (JsonNode one : list.get(member)) {
      names.add(one.get("name").asText());
    }
    return names;
  }

  /** The markers of the records' events; every record's once (a duplicate fails the test). */
  private static Set<String> markers(List<ConsumerRecord<byte[], byte[]>> records)
      throws IOException {
    Set<String> markers = new TreeSet<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      String marker = WireJson.mapper().readTree(record.value()).get("data").get("m").asText();
      assertThat(markers.add(marker)).as("once: " + marker).isTrue();
    }
    return markers;
  }

  /**
   * Every record a {@code read_committed} consumer sees once it has seen {@code expected}, read on
   * for another moment so that a record too many would be seen too.
   */
  private static List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic, int expected) {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      long deadline = System.nanoTime() + WAIT.toNanos();
      List<PartitionInfo> infos = List.of();
      while (infos.isEmpty() && System.nanoTime() < deadline) {
        infos = consumer.partitionsFor(topic, WAIT);
      }
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : infos) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long settle = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, settle)) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          records.add(record);
        }
        if (records.size() >= expected && settle == Long.MAX_VALUE) {
          settle = System.nanoTime() + Duration.ofMillis(500).toNanos();
        }
      }
    }
    assertThat(records).as(topic).hasSizeGreaterThanOrEqualTo(expected);
    return records;
  }
}
