package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.tck.Await;
import dev.factum.tck.Concurrently;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Server-Sent Events: catch-up then live with racing appends, resume, filters, heartbeats. */
class SseTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  @TempDir Path directory;
  TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new TestServer(directory, ServerConfig.DEFAULT.withHeartbeat(Duration.ofMillis(200)));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private void append(String stream, int events) throws Exception {
    assertThat(
            server
                .post(
                    "/streams/" + stream,
                    "{\"expectedRevision\":\"any\",\"events\":" + HttpApiTest.events(events) + "}")
                .status())
        .isEqualTo(200);
  }

  private void appendConcurrently(int writers, int appendsEach, String prefix) throws Exception {
    Concurrently.run(
        writers,
        writer -> {
          for (int i = 0; i < appendsEach; i++) {
            append(prefix + (writer + i) % 5, 1 + i % 3);
          }
        });
  }

  private static List<Long> ids(List<SseClient.Frame> frames) {
    return frames.stream().map(f -> Long.parseLong(f.id())).toList();
  }

  @Test
  void aFeedThatCanNeverDeliverIsRefusedBeforeTheStreamStarts() throws Exception {
    append("gone-1", 2);
    assertThat(server.delete("/streams/gone-1?expectedRevision=any&tombstone=true").status())
        .isEqualTo(200);
    for (String path :
        List.of(
            "/streams/gone-1/events",
            "/streams/gone-1/events?from=end",
            "/streams/%24system/events",
            "/streams/bad%01name/events")) {
      HttpResponse<String> response =
          server.client.send(
              HttpRequest.newBuilder(server.uri(path))
                  .header("Accept", "text/event-stream")
                  .timeout(WAIT)
                  .build(),
              BodyHandlers.ofString());
      String contentType = response.headers().firstValue("Content-Type").orElse("");
      assertThat(contentType).as(path).isEqualTo("application/problem+json");
      assertThat(response.body()).as(path).doesNotContain("retry:");
      JsonNode problem = TestServer.JSON.readTree(response.body());
      if (path.startsWith("/streams/gone-1")) {
        assertThat(response.statusCode()).as(path).isEqualTo(410);
        assertThat(problem.get("code").asText()).isEqualTo("stream-deleted");
        assertThat(problem.get("stream").asText()).isEqualTo("gone-1");
      } else {
        assertThat(response.statusCode()).as(path).isEqualTo(400);
        assertThat(problem.get("code").asText()).isEqualTo("invalid-request");
      }
    }
    assertThat(server.userSubscriptions()).isZero();
  }

  @Test
  void theGlobalFeedDeliversEveryEventOnceInOrderAcrossTheSwitchToLive() throws Exception {
    appendConcurrently(2, 30, "pre-");
    try (SseClient sse = new SseClient(server.client, server.uri("/all/events"), null)) {
      assertThat(sse.status).isEqualTo(200);
      appendConcurrently(4, 40, "live-");
      long total = server.store.headPosition() + 1;
      Await.until("all events", WAIT, () -> sse.events().size() >= total);
      List<Long> expected = new ArrayList<>();
      for (long p = 0; p < total; p++) {
        expected.add(p);
      }
      assertThat(ids(sse.events())).isEqualTo(expected);
      assertThat(sse.events().getFirst().json().get("position").asLong()).isEqualTo(0);
      assertThat(sse.frames).anyMatch(f -> "caught-up".equals(f.event()));
    }
  }

  @Test
  void lastEventIdResumesExactlyAfterTheLastEventReceived() throws Exception {
    append("s-1", 5);
    append("t-1", 3);
    try (SseClient sse = new SseClient(server.client, server.uri("/all/events"), "4")) {
      Await.until("3 events", WAIT, () -> sse.events().size() >= 3);
      assertThat(ids(sse.events())).containsExactly(5L, 6L, 7L);
    }
    try (SseClient stream = new SseClient(server.client, server.uri("/streams/s-1/events"), "2")) {
      Await.until("2 events", WAIT, () -> stream.events().size() >= 2);
      assertThat(stream.events())
          .extracting(f -> f.json().get("revision").asLong())
          .containsExactly(3L, 4L);
    }
    SseClient wrong = new SseClient(server.client, server.uri("/streams/s-1/events"), "6");
    assertThat(wrong.status).isEqualTo(400);
    wrong.close();
  }

  @Test
  void filteredFeedsAndStreamFeedsDeliverOnlyTheirEvents() throws Exception {
    try (SseClient orders =
            new SseClient(server.client, server.uri("/all/events?category=order"), null);
        SseClient one =
            new SseClient(server.client, server.uri("/streams/order-2/events?from=1"), null)) {
      append("order-1", 2);
      append("user-1", 2);
      append("order-2", 3);
      Await.until(
          "order events", WAIT, () -> orders.events().size() >= 5 && one.events().size() >= 2);
      assertThat(orders.events()).allMatch(f -> f.data().contains("\"stream\":\"order-"));
      assertThat(ids(orders.events())).containsExactly(0L, 1L, 4L, 5L, 6L);
      assertThat(one.events())
          .extracting(f -> f.json().get("revision").asLong())
          .containsExactly(1L, 2L);
    }
  }

  @Test
  void idleConnectionsGetHeartbeatsAndSubscriptionsEndWithTheConnection() throws Exception {
    SseClient sse = new SseClient(server.client, server.uri("/all/events"), null);
    Await.until(
        "heartbeats", WAIT, () -> sse.comments.stream().filter("heartbeat"::equals).count() >= 2);
    assertThat(server.userSubscriptions()).isEqualTo(1);
    sse.close();
    append("s-1", 1); // the next write to the dead connection fails and ends the subscription
    Await.until("the subscription to end", WAIT, () -> server.userSubscriptions() == 0);
  }

  @Test
  void aTombstonedStreamEndsItsFeedWithAProblemEvent() throws Exception {
    append("doomed-1", 1);
    try (SseClient sse =
        new SseClient(server.client, server.uri("/streams/doomed-1/events"), null)) {
      Await.until("1 event", WAIT, () -> sse.events().size() >= 1);
      server.delete("/streams/doomed-1?expectedRevision=any&tombstone=true");
      append("other-1", 1);
      Await.until(
          "error event", WAIT, () -> sse.frames.stream().anyMatch(f -> "error".equals(f.event())));
      SseClient.Frame error =
          sse.frames.stream().filter(f -> "error".equals(f.event())).findFirst().orElseThrow();
      assertThat(error.json().get("code").asText()).isEqualTo("stream-deleted");
    }
  }

  @Test
  void fromEndDeliversOnlyNewEvents() throws Exception {
    append("s-1", 3);
    try (SseClient sse = new SseClient(server.client, server.uri("/all/events?from=end"), null)) {
      Await.until(
          "caught up",
          WAIT,
          () -> sse.frames.stream().anyMatch(f -> "caught-up".equals(f.event())));
      append("s-1", 1);
      Await.until("the new event", WAIT, () -> sse.events().size() >= 1);
      assertThat(ids(sse.events())).containsExactly(3L);
    }
  }

  @Test
  void shutdownEndsOpenFeedsPromptly() throws Exception {
    SseClient sse = new SseClient(server.client, server.uri("/all/events"), null);
    Await.until(
        "caught up", WAIT, () -> sse.frames.stream().anyMatch(f -> "caught-up".equals(f.event())));
    long started = System.nanoTime();
    server.server.close();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    sse.close();
  }
}
