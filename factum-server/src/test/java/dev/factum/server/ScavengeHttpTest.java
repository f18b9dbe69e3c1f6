package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST} and {@code GET /admin/scavenge}: an admin starts a run of the running store, polls
 * it to its end, and the log then skips exactly the removed positions while the stream reads as
 * before; bad bodies are {@code invalid-request} and start nothing. (Who may call it: the route
 * walks of {@code AuthHttpTest} and {@code TenantsHttpTest}.)
 */
class ScavengeHttpTest {
  @TempDir Path directory;

  @Test
  void anAdminScavengesTheRunningStoreAndTheLogSkipsTheRemovedPositions() throws Exception {
    try (TestServer server = new TestServer(directory.resolve("data"))) {
      JsonNode never = server.get("/admin/scavenge").json();
      assertThat(never.get("state").asText()).isEqualTo("idle");
      assertThat(never.get("runId").asLong()).isZero();

      TestServer.Reply appended =
          server.post(
              "/streams/order-1",
              "{\"expectedRevision\":\"any\",\"events\":" + HttpApiTest.events(30) + "}");
      assertThat(appended.status()).as(appended.body()).isEqualTo(200);
      assertThat(
              server
                  .put(
                      "/streams/order-1/metadata",
                      "{\"expectedMetadataRevision\":\"any\",\"maxCount\":5}")
                  .status())
          .isEqualTo(200);
      String before = server.get("/streams/order-1?limit=100").body();

      for (String bad :
          List.of("{\"rate\":5}", "{\"eventsPerSecond\":-1}", "{\"eventsPerSecond\":\"fast\"}")) {
        TestServer.Reply refused = server.post("/admin/scavenge", bad);
        assertThat(refused.status()).as(bad).isEqualTo(400);
        assertThat(refused.json().get("code").asText()).isEqualTo("invalid-request");
      }
      assertThat(server.get("/admin/scavenge").json().get("runId").asLong()).isZero();

      TestServer.Reply started = server.post("/admin/scavenge", "{\"eventsPerSecond\":100000}");
      assertThat(started.status()).as(started.body()).isEqualTo(202);
      assertThat(started.json().get("runId").asLong()).isEqualTo(1);
      assertThat(started.json().get("eventsPerSecond").asLong()).isEqualTo(100_000);
      JsonNode status = started.json();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (status.get("state").asText().equals("running") && System.nanoTime() < deadline) {
        Thread.sleep(20);
        status = server.get("/admin/scavenge").json();
      }
      assertThat(status.get("state").asText()).as("%s", status).isEqualTo("done");
      assertThat(status.get("eventsRemoved").asLong()).isEqualTo(25);
      assertThat(status.get("finishedAt").isTextual()).isTrue();

      String metrics = server.get("/metrics").body();
      assertThat(metrics).containsPattern("(?m)^factum_scavenge_events_removed\\S* 25(\\.0)?$");
      assertThat(metrics).containsPattern("(?m)^factum_scavenge_running\\S* 0(\\.0)?$");

      assertThat(server.get("/streams/order-1?limit=100").body()).isEqualTo(before);
      JsonNode log = server.get("/all?limit=100").json();
      List<Long> positions = new ArrayList<>();
      log.get("events").forEach(e -> positions.add(e.get("position").asLong()));
      assertThat(positions).filteredOn(p -> p < 30).containsExactly(25L, 26L, 27L, 28L, 29L);
    }
  }
}
