package dev.factum.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.engine.spi.VerifyReport;
import dev.factum.storage.rocksdb.RocksDbStorage;
import dev.factum.tck.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server process: restarts with its data, graceful shutdown under load, and Server-Sent
 * Events across the catch-up/live switch and across a restart. (kill -9 under load: {@link
 * KillNineTest}.)
 */
class ServerProcessTest {
  @TempDir Path temp;

  /** One acknowledged append of a load writer. */
  record Ack(
      String stream, long firstRevision, long firstPosition, List<String> ids, List<String> data) {}

  /**
   * Writers appending three events per request, each with an id naming (writer, request, event),
   * recording every 200; they stop at {@code stop} or at their first failure (the server went
   * away).
   */
  static final class Load {
    final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
    final AtomicBoolean stop = new AtomicBoolean();
    final List<Thread> threads = new ArrayList<>();
    final String tag;

    Load(ServerProcess server, int writers, String tag) {
      this.tag = tag;
      for (int w = 0; w < writers; w++) {
        int writer = w;
        threads.add(Thread.ofPlatform().start(() -> run(server, writer)));
      }
    }

    private void run(ServerProcess server, int writer) {
      SplittableRandom random = new SplittableRandom(writer * 31L + tag.hashCode());
      for (int n = 0; !stop.get(); n++) {
        String stream = "load-" + tag + "-" + random.nextInt(20);
        List<String> ids = new ArrayList<>();
        List<String> data = new ArrayList<>();
        StringBuilder body = new StringBuilder("{\"expectedRevision\":\"any\",\"events\":[");
        for (int e = 0; e < 3; e++) {
          String id =
              new UUID(((long) writer << 32) | n, ((long) tag.hashCode() << 8) | e).toString();
          String json =
              "{\"w\":"
                  + writer
                  + ",\"n\":"
                  + n
                  + ",\"e\":"
                  + e
                  + ",\"pad\":\""
                  + "p".repeat(random.nextInt(150))
                  + "\"}";
          ids.add(id);
          data.add(json);
          body.append(e == 0 ? "" : ",")
              .append("{\"id\":\"")
              .append(id)
              .append("\",\"type\":\"Load\",\"data\":")
              .append(json)
              .append('}');
        }
        try {
          ServerProcess.Reply reply =
              server.post("/streams/" + stream, body.append("]}").toString());
          if (reply.status() != 200) {
            return;
          }
          JsonNode result = reply.json();
          acks.add(
              new Ack(
                  stream,
                  result.get("firstRevision").asLong(),
                  result.get("firstPosition").asLong(),
                  ids,
                  data));
        } catch (IOException | InterruptedException gone) {
          return;
        }
      }
    }

    void awaitEnd() throws InterruptedException {
      stop.set(true);
      for (Thread thread : threads) {
        thread.join();
      }
    }
  }

  static Map<Long, JsonNode> readLog(ServerProcess server) throws Exception {
    Map<Long, JsonNode> events = new HashMap<>();
    for (JsonNode event : server.readPages("/all?from=0&limit=1000")) {
      events.put(event.get("position").asLong(), event);
    }
    return events;
  }

  /** Every acknowledged append is present byte for byte; every append present is whole. */
  static void checkAgainst(Map<Long, JsonNode> log, Iterable<Ack> acks) throws IOException {
    for (Ack ack : acks) {
      for (int e = 0; e < 3; e++) {
        JsonNode event = log.get(ack.firstPosition() + e);
        assertThat(event).as("acknowledged event at %d", ack.firstPosition() + e).isNotNull();
        assertThat(event.get("id").asText()).isEqualTo(ack.ids().get(e));
        assertThat(event.get("stream").asText()).isEqualTo(ack.stream());
        assertThat(event.get("revision").asLong()).isEqualTo(ack.firstRevision() + e);
        assertThat(event.get("data")).isEqualTo(ServerProcess.JSON.readTree(ack.data().get(e)));
      }
    }
    Map<String, List<Long>> byAppend = new HashMap<>();
    for (JsonNode event : log.values()) {
      UUID id = UUID.fromString(event.get("id").asText());
      byAppend
          .computeIfAbsent(
              id.getMostSignificantBits() + "/" + (id.getLeastSignificantBits() >> 8),
              k -> new ArrayList<>())
          .add(event.get("position").asLong());
    }
    for (Map.Entry<String, List<Long>> append : byAppend.entrySet()) {
      List<Long> positions = append.getValue().stream().sorted().toList();
      assertThat(positions).as("append %s is whole and contiguous", append.getKey()).hasSize(3);
      assertThat(positions.get(2) - positions.get(0)).isEqualTo(2);
    }
    for (long p = 0; p < log.size(); p++) {
      assertThat(log).as("the log is dense").containsKey(p);
    }
  }

  private static void verifyOffline(Path data) {
    try (RocksDbStorage storage = RocksDbStorage.open(data)) {
      VerifyReport report = storage.verify();
      assertThat(report.ok()).as(report.toString()).isTrue();
    }
  }

  @Test
  void gracefulShutdownUnderLoadKeepsEveryAcknowledgedAppendAndRestartServesIt() throws Exception {
    Path data = temp.resolve("data");
    List<Ack> acked = new ArrayList<>();
    for (int round = 0; round < 2; round++) {
      ServerProcess server = ServerProcess.start(data, temp.resolve("server-" + round + ".log"), 0);
      Load load = new Load(server, 8, "g" + round);
      Await.until("load", Duration.ofSeconds(30), () -> load.acks.size() > 200);
      assertThat(server.stop()).as("exit code after SIGTERM").isZero();
      load.awaitEnd();
      acked.addAll(load.acks);
    }
    try (ServerProcess server = ServerProcess.start(data, temp.resolve("final.log"), 0)) {
      checkAgainst(readLog(server), acked);
      assertThat(server.get("/health/ready").status()).isEqualTo(200);
      server.stop();
    }
    verifyOffline(data);
  }

  @Test
  void anSseSubscriberSeesEveryEventOnceAcrossTheSwitchAndResumesAcrossARestart() throws Exception {
    Path data = temp.resolve("data");
    List<Long> received = new CopyOnWriteArrayList<>();
    long head;
    try (ServerProcess server = ServerProcess.start(data, temp.resolve("sse-1.log"), 0)) {
      Load before = new Load(server, 2, "before");
      Await.until("backlog", Duration.ofSeconds(30), () -> before.acks.size() > 50);
      before.awaitEnd();
      InputStream feed = openFeed(server, null);
      try {
        Thread reader = Thread.ofVirtual().start(() -> readIds(feed, received));
        Load during = new Load(server, 4, "during");
        Await.until("live appends", Duration.ofSeconds(30), () -> during.acks.size() > 150);
        during.awaitEnd();
        head = server.get("/").json().get("headPosition").asLong();
        Await.until("every event", Duration.ofSeconds(30), () -> received.size() >= head + 1);
        feed.close();
        reader.join();
      } finally {
        feed.close();
      }
      assertThat(received).isEqualTo(range(0, head + 1));
      server.stop();
    }
    try (ServerProcess server = ServerProcess.start(data, temp.resolve("sse-2.log"), 0)) {
      List<Long> resumed = new CopyOnWriteArrayList<>();
      try (InputStream feed = openFeed(server, Long.toString(head))) {
        Thread.ofVirtual().start(() -> readIds(feed, resumed));
        Load after = new Load(server, 2, "after");
        Await.until("new appends", Duration.ofSeconds(30), () -> after.acks.size() > 20);
        after.awaitEnd();
        long newHead = server.get("/").json().get("headPosition").asLong();
        Await.until(
            "resumed events", Duration.ofSeconds(30), () -> resumed.size() >= newHead - head);
        assertThat(resumed).isEqualTo(range(head + 1, newHead + 1));
      }
      server.stop();
    }
  }

  private static InputStream openFeed(ServerProcess server, String lastEventId) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.uri.resolve("/all/events"));
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<InputStream> response =
        ServerProcess.CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private static void readIds(InputStream feed, List<Long> ids) {
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(feed, StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.startsWith("id: ")) {
          ids.add(Long.parseLong(line.substring(4)));
        }
      }
    } catch (IOException closed) {
      // the test closed the feed
    }
  }

  private static List<Long> range(long from, long to) {
    List<Long> values = new ArrayList<>();
    for (long i = from; i < to; i++) {
      values.add(i);
    }
    return values;
  }
}
