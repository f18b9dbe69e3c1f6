package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /admin/sinks} on a real server: the management API of Kafka sinks (create, list, show,
 * pause, resume, delete), its problems, and credentials never read back. The sink points at a port
 * where no broker listens, so it waits and retries; forwarding itself is proven against a real
 * broker in factum-kafka's tests.
 */
class SinkHttpTest {
  @TempDir Path directory;
  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new TestServer(directory);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void managedOverHttpWithCredentialsRedacted() throws Exception {
    TestServer.Reply created =
        server.post(
            "/admin/sinks",
            "{\"name\":\"orders\",\"topic\":\"orders-{category}\",\"bootstrapServers\":\"127.0.0.1:9\","
                + "\"filter\":{\"category\":[\"order\"]},\"paused\":true,"
                + "\"producerProperties\":{\"sasl.jaas.config\":\"user=u password=p\","
                + "\"linger.ms\":\"5\"}}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().get("paused").asBoolean()).isTrue();
    assertThat(created.json().get("producerProperties").get("sasl.jaas.config").asText())
        .isEqualTo("***");
    assertThat(created.json().get("producerProperties").get("linger.ms").asText()).isEqualTo("5");
    assertThat(created.body()).doesNotContain("password=p");

    assertThat(server.get("/admin/sinks").json().get("sinks")).hasSize(1);
    assertThat(server.get("/admin/sinks/orders").json().get("topic").asText())
        .isEqualTo("orders-{category}");
    assertThat(server.post("/admin/sinks/orders/resume", "").json().get("paused").asBoolean())
        .isFalse();
    assertThat(server.post("/admin/sinks/orders/pause", "").json().get("paused").asBoolean())
        .isTrue();
    assertThat(server.get("/metrics").body())
        .contains("factum_sink_lag_events{sink=\"orders\",tenant=\"\"}")
        .contains("factum_sink_lag_seconds{sink=\"orders\",tenant=\"\"}")
        .contains("factum_sink_forwarded_events{sink=\"orders\",tenant=\"\"}");

    TestServer.Reply exists =
        server.post(
            "/admin/sinks",
            "{\"name\":\"orders\",\"topic\":\"t\",\"bootstrapServers\":\"127.0.0.1:9\"}");
    assertThat(exists.status()).isEqualTo(409);
    assertThat(exists.json().get("code").asText()).isEqualTo("sink-exists");
    assertThat(server.delete("/admin/sinks/orders").status()).isEqualTo(200);
    TestServer.Reply gone = server.get("/admin/sinks/orders");
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.json().get("code").asText()).isEqualTo("sink-not-found");
  }

  @Test
  void badDefinitionsAreInvalidRequestsAndCreateNothing() throws Exception {
    for (String body :
        new String[] {
          "{\"name\":\"x\"}",
          "{\"name\":\"bad name\",\"topic\":\"t\",\"bootstrapServers\":\"127.0.0.1:9\"}",
          "{\"name\":\"x\",\"topic\":\"bad topic\",\"bootstrapServers\":\"127.0.0.1:9\"}",
          "{\"name\":\"x\",\"topic\":\"t\",\"bootstrapServers\":\"127.0.0.1:9\",\"kind\":\"webhook\"}",
          "{\"name\":\"x\",\"topic\":\"t\",\"bootstrapServers\":\"127.0.0.1:9\","
              + "\"producerProperties\":{\"acks\":\"1\"}}",
          "{\"name\":\"x\",\"topic\":\"t\",\"bootstrapServers\":\"127.0.0.1:9\",\"colour\":1}",
          "[]"
        }) {
      TestServer.Reply reply = server.post("/admin/sinks", body);
      assertThat(reply.status()).as(body).isEqualTo(400);
      assertThat(reply.json().get("code").asText()).as(body).isEqualTo("invalid-request");
    }
    assertThat(server.get("/admin/sinks").json().get("sinks")).isEmpty();
  }
}
