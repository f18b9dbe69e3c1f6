package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.StreamMetadata;
import dev.factum.engine.FactumStore;
import dev.factum.postgres.testing.LocalPostgres;
import dev.factum.storage.postgres.PostgresConfig;
import dev.factum.storage.postgres.PostgresEventStore;
import dev.factum.tck.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@code POST} and {@code GET /admin/scavenge} on PostgreSQL, two servers over one database: the
 * run is started (202, not {@code scavenge-unavailable}) and polled on one server, the other
 * server's {@code /all} then skips exactly the removed positions, and a run started on the other
 * finds nothing left.
 */
class ScavengePostgresHttpTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private JsonNode call(URI base, String method, String path, String body) throws Exception {
    HttpResponse<String> response =
        http.send(
            TestServer.request(base, method, path, null, body).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode())
        .as("%s %s: %s", method, path, response.body())
        .isEqualTo(method.equals("POST") ? 202 : 200);
    return TestServer.JSON.readTree(response.body());
  }

  private JsonNode runToEnd(URI base) throws Exception {
    long before = call(base, "GET", "/admin/scavenge", null).get("runId").asLong();
    JsonNode started = call(base, "POST", "/admin/scavenge", "{}");
    assertThat(started.get("runId").asLong()).isEqualTo(before + 1);
    Await.until(
        "the run ends",
        Duration.ofSeconds(30),
        () -> {
          try {
            return !call(base, "GET", "/admin/scavenge", null)
                .get("state")
                .asText()
                .equals("running");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    return call(base, "GET", "/admin/scavenge", null);
  }

  @Test
  void aRunStartedOverHttpOnOneServerIsSeenInTheOthersLog() throws Exception {
    LocalPostgres postgres = LocalPostgres.shared();
    String url = postgres.createDatabase("factum_scavenge_http");
    PostgresConfig config = PostgresConfig.of(url, postgres.user(), postgres.password());
    ServerConfig server = ServerConfig.DEFAULT.withPort(0);
    try (FactumStore storeA = PostgresEventStore.open(config);
        FactumServer a = FactumServer.start(storeA, server);
        FactumStore storeB = PostgresEventStore.open(config);
        FactumServer b = FactumServer.start(storeB, server)) {
      storeA.append(
          "order-1",
          ExpectedRevision.noStream(),
          IntStream.range(0, 30).mapToObj(i -> EventData.json("Placed", "{}")).toList());
      storeA.setStreamMetadata(
          "order-1", ExpectedRevision.any(), StreamMetadata.NONE.withMaxCount(5L));

      JsonNode done = runToEnd(a.uri());
      assertThat(done.get("state").asText()).as("%s", done).isEqualTo("done");
      assertThat(done.get("eventsRemoved").asLong()).isEqualTo(25);

      JsonNode log = call(b.uri(), "GET", "/all?limit=100", null);
      List<Long> positions = new ArrayList<>();
      log.get("events").forEach(e -> positions.add(e.get("position").asLong()));
      assertThat(positions).containsExactly(25L, 26L, 27L, 28L, 29L);
      JsonNode stream = call(b.uri(), "GET", "/streams/order-1?limit=100", null);
      assertThat(stream.get("firstRevision").asLong()).isEqualTo(25);

      JsonNode again = runToEnd(b.uri());
      assertThat(again.get("state").asText()).as("%s", again).isEqualTo("done");
      assertThat(again.get("eventsRemoved").asLong()).isZero();
    }
  }
}
