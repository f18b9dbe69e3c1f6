package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.factum.tck.Await;
import dev.factum.webhooks.WebhookSignature;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /admin/webhooks} on a real server: a webhook created over HTTP delivers events appended
 * over HTTP to a real receiver, signed with the secret the creation answered (and only it); pause,
 * resume, show, list and delete; and the problems of bad input, unknown and existing names.
 */
class WebhookHttpTest {
  @TempDir Path directory;
  private TestServer server;
  private HttpServer receiver;
  private final ConcurrentLinkedQueue<byte[]> bodies = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> signatures = new ConcurrentLinkedQueue<>();

  @BeforeEach
  void start() throws Exception {
    server = new TestServer(directory);
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    receiver.createContext(
        "/hook",
        exchange -> {
          bodies.add(exchange.getRequestBody().readAllBytes());
          signatures.add(exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    receiver.start();
  }

  @AfterEach
  void stop() {
    server.close();
    receiver.stop(0);
  }

  private String hook() {
    return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
  }

  @Test
  void createdOverHttpDeliversSignedEventsAndIsManagedOverHttp() throws Exception {
    TestServer.Reply created =
        server.post(
            "/admin/webhooks",
            "{\"name\":\"orders\",\"url\":\""
                + hook()
                + "\",\"source\":{\"category\":[\"order\"]},\"maxBatch\":5,\"timeoutMillis\":2000}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String secret = created.json().get("secret").asText();
    assertThat(secret).startsWith("whsec_");
    assertThat(created.json().get("group").asText()).isEqualTo("$webhook-orders");

    for (int i = 0; i < 12; i++) {
      TestServer.Reply appended =
          server.post(
              "/streams/order-" + (i % 3),
              "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"Placed\",\"data\":{\"i\":"
                  + i
                  + "}}]}");
      assertThat(appended.status()).isEqualTo(200);
    }
    server.post(
        "/streams/invoice-1",
        "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"Sent\",\"data\":{}}]}");
    Await.until(
        "12 order events delivered",
        Duration.ofSeconds(20),
        () -> bodies.stream().mapToInt(b -> events(b).size()).sum() >= 12);
    int delivered = 0;
    for (byte[] body : bodies) {
      for (JsonNode event : events(body)) {
        assertThat(event.get("stream").asText()).startsWith("order-");
        delivered++;
      }
    }
    assertThat(delivered).isEqualTo(12);
    byte[][] all = bodies.toArray(byte[][]::new);
    String[] signed = signatures.toArray(String[]::new);
    for (int i = 0; i < all.length; i++) {
      assertThat(
              WebhookSignature.verify(
                  secret.getBytes(StandardCharsets.US_ASCII),
                  signed[i],
                  all[i],
                  Instant.now().getEpochSecond(),
                  300))
          .isTrue();
    }

    TestServer.Reply shown = server.get("/admin/webhooks/orders");
    assertThat(shown.status()).isEqualTo(200);
    assertThat(shown.json().has("secret")).isFalse();
    Await.until(
        "the acks are counted",
        Duration.ofSeconds(10),
        () -> statusOf("orders").get("delivered").asLong() == 12);
    assertThat(server.get("/admin/webhooks").json().get("webhooks")).hasSize(1);
    assertThat(server.post("/admin/webhooks/orders/pause", "").json().get("paused").asBoolean())
        .isTrue();
    assertThat(server.post("/admin/webhooks/orders/resume", "").json().get("paused").asBoolean())
        .isFalse();
    assertThat(server.get("/metrics").body())
        .contains("factum_webhook_delivered_events{tenant=\"\",webhook=\"orders\"} 12.0");

    TestServer.Reply exists =
        server.post("/admin/webhooks", "{\"name\":\"orders\",\"url\":\"" + hook() + "\"}");
    assertThat(exists.status()).isEqualTo(409);
    assertThat(exists.json().get("code").asText()).isEqualTo("webhook-exists");
    assertThat(server.delete("/admin/webhooks/orders").status()).isEqualTo(200);
    TestServer.Reply gone = server.get("/admin/webhooks/orders");
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.json().get("code").asText()).isEqualTo("webhook-not-found");
    assertThat(server.get("/groups").json().get("groups")).isEmpty();
  }

  @Test
  void badDefinitionsAreInvalidRequestsAndCreateNothing() throws Exception {
    for (String body :
        new String[] {
          "{\"name\":\"x\"}",
          "{\"name\":\"Bad Name\",\"url\":\"http://127.0.0.1:1/\"}",
          "{\"name\":\"x\",\"url\":\"ftp://127.0.0.1/\"}",
          "{\"name\":\"x\",\"url\":\"http://127.0.0.1:1/\",\"maxBatch\":0}",
          "{\"name\":\"x\",\"url\":\"http://127.0.0.1:1/\",\"timeoutMillis\":5}",
          "{\"name\":\"x\",\"url\":\"http://127.0.0.1:1/\",\"unknown\":1}",
          "{\"name\":\"x\",\"url\":\"http://127.0.0.1:1/\",\"source\":{\"colour\":[\"red\"]}}",
          "[]"
        }) {
      TestServer.Reply reply = server.post("/admin/webhooks", body);
      assertThat(reply.status()).as(body).isEqualTo(400);
      assertThat(reply.json().get("code").asText()).as(body).isEqualTo("invalid-request");
    }
    assertThat(server.get("/admin/webhooks").json().get("webhooks")).isEmpty();
    assertThat(server.get("/groups").json().get("groups")).isEmpty();
  }

  private JsonNode statusOf(String name) {
    try {
      return server.get("/admin/webhooks/" + name).json();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static JsonNode events(byte[] body) {
    try {
      return TestServer.JSON.readTree(body).get("events");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
