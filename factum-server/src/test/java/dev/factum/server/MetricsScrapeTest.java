package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.SubscriptionListener;
import dev.factum.api.SubscriptionRequest;
import dev.factum.api.groups.ConsumerGroups;
import dev.factum.api.groups.Delivery;
import dev.factum.api.groups.GroupDefinition;
import dev.factum.api.groups.GroupSource;
import dev.factum.tck.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} scraped from a real server and parsed as Prometheus text: every series has a
 * {@code # TYPE}, the names operators rely on are there, and their values move with appends, reads
 * and subscriptions.
 */
class MetricsScrapeTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  @TempDir Path temp;
  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    // a short heartbeat, so that the server notices a closed feed promptly
    server = new TestServer(temp, ServerConfig.DEFAULT.withHeartbeat(Duration.ofMillis(200)));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** The samples of one scrape, by series ({@code name{labels}}), after checking the format. */
  private Map<String, Double> scrape() throws Exception {
    TestServer.Reply reply = server.get("/metrics");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.contentType()).startsWith("text/plain; version=0.0.4");
    Map<String, Double> samples = new HashMap<>();
    Map<String, String> types = new HashMap<>();
    for (String line : reply.body().split("\n")) {
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.split(" ");
        types.put(parts[2], parts[3]);
      } else if (!line.isBlank() && !line.startsWith("#")) {
        int space = line.lastIndexOf(' ');
        String series = line.substring(0, space);
        String name = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
        assertThat(types.keySet())
            .as("a # TYPE line for %s", line)
            .anyMatch(family -> name.equals(family) || name.startsWith(family + "_"));
        assertThat(samples.put(series, Double.parseDouble(line.substring(space + 1))))
            .as("duplicate series %s", series)
            .isNull();
      }
    }
    return samples;
  }

  private static double value(Map<String, Double> samples, String series) {
    assertThat(samples).as("series %s", series).containsKey(series);
    return samples.get(series);
  }

  @Test
  void valuesMoveWithAppendsReadsAndSubscriptions() throws Exception {
    Map<String, Double> before = scrape();
    assertThat(value(before, "factum_head_position")).isEqualTo(-1);
    assertThat(value(before, "factum_events_appended_total")).isZero();
    assertThat(
            before.entrySet().stream()
                .filter(e -> e.getKey().startsWith("jvm_memory_used_bytes{area=\"heap\""))
                .mapToDouble(Map.Entry::getValue)
                .sum())
        .isPositive();
    assertThat(value(before, "jvm_threads_live_threads")).isPositive();
    assertThat(before.keySet()).anyMatch(s -> s.startsWith("jvm_gc_"));
    assertThat(value(before, "process_uptime_seconds")).isPositive();
    double disk = value(before, "factum_storage_disk_used_bytes");
    assertThat(disk).isPositive();
    double memtable = value(before, "factum_storage_rocksdb_memtable_bytes");
    assertThat(before).containsKeys("factum_storage_rocksdb_compaction_pending_bytes");

    String data = "{\"pad\":\"" + "x".repeat(10_000) + "\"}";
    StringBuilder events = new StringBuilder("[");
    for (int i = 0; i < 20; i++) {
      events.append(i == 0 ? "" : ",").append("{\"type\":\"A\",\"data\":").append(data).append('}');
    }
    server.post("/streams/s-1", "{\"expectedRevision\":\"any\",\"events\":" + events + "]}");
    server.post("/streams/s-1", "{\"expectedRevision\":\"no_stream\",\"events\":" + events + "]}");
    server.get("/streams/s-1?limit=5");
    server.get("/all?limit=5");
    server.get("/all?type=A&type=B");
    Map<String, Double> after = scrape();
    // storage gauges must survive a garbage collection (Micrometer holds gauge objects weakly)
    System.gc();
    assertThat(value(scrape(), "factum_storage_rocksdb_sst_bytes")).isNotNaN();
    if (Boolean.getBoolean("factum.metrics.print")) {
      System.out.println(server.get("/metrics").body());
    }
    assertThat(value(after, "factum_head_position")).isEqualTo(19);
    assertThat(value(after, "factum_events_appended_total")).isEqualTo(20);
    assertThat(value(after, "factum_appends_total{result=\"ok\"}")).isEqualTo(1);
    assertThat(value(after, "factum_appends_total{result=\"wrong-expected-revision\"}"))
        .isEqualTo(1);
    assertThat(value(after, "factum_append_duration_seconds_count")).isEqualTo(2);
    assertThat(value(after, "factum_append_duration_seconds_bucket{le=\"+Inf\"}")).isEqualTo(2);
    assertThat(value(after, "factum_write_batch_events_total")).isEqualTo(20);
    for (String kind : new String[] {"stream", "log", "filtered_log"}) {
      assertThat(value(after, "factum_read_duration_seconds_count{kind=\"" + kind + "\"}"))
          .as(kind)
          .isEqualTo(1);
    }
    assertThat(value(after, "factum_http_requests_total{route=\"append\",status=\"409\"}"))
        .isEqualTo(1);
    assertThat(value(after, "factum_storage_disk_used_bytes")).isGreaterThan(disk + 200_000);
    // the memtable grows by arena blocks, so by at least something, not by the bytes written
    assertThat(value(after, "factum_storage_rocksdb_memtable_bytes")).isGreaterThan(memtable);

    // a log subscription held at its first event falls behind by what is appended after it
    CountDownLatch release = new CountDownLatch(1);
    SubscriptionListener held = event -> release.await();
    try (var subscription = server.store.subscribe(SubscriptionRequest.toAll(), held);
        SseClient feed = new SseClient(server.client, server.uri("/all/events?from=0"), null)) {
      assertThat(feed.status).isEqualTo(200);
      Await.until(
          "the lag to show",
          WAIT,
          () ->
              sample("factum_subscription_max_lag_events") >= 19
                  && sample("factum_sse_sessions") == 1
                  && sample("factum_http_connections") >= 1 // the feed's, at least
                  // the held one, the feed's, and the key registry's on $keys
                  && sample("factum_subscriptions") == 3);
      release.countDown();
      Await.until("the lag to go", WAIT, () -> sample("factum_subscription_max_lag_events") == 0);
      assertThat(subscription.isClosed()).isFalse();
    }
    Await.until("the feed to end", WAIT, () -> sample("factum_sse_sessions") == 0);
  }

  @Test
  void consumerGroupsAreReportedPerGroup() throws Exception {
    ConsumerGroups groups = server.store.consumerGroups();
    groups.create(GroupDefinition.of("billing", GroupSource.all()));
    for (int i = 0; i < 3; i++) {
      server.store.append("order-" + i, ExpectedRevision.any(), List.of(EventData.json("A", "{}")));
    }
    List<Delivery> got = new ArrayList<>();
    Await.until(
        "three deliveries",
        WAIT,
        () -> {
          got.addAll(groups.poll("billing", "c", 3 - got.size(), Duration.ofMillis(100)));
          return got.size() == 3;
        });
    groups.ack("billing", "c", got.getFirst().position());
    groups.park("billing", "c", got.get(1).position(), "poison");
    Map<String, Double> samples = scrape();
    assertThat(value(samples, "factum_group_checkpoint{group=\"billing\"}")).isEqualTo(2);
    assertThat(value(samples, "factum_group_lag_events{group=\"billing\"}")).isEqualTo(1);
    assertThat(value(samples, "factum_group_in_flight{group=\"billing\"}")).isEqualTo(1);
    Await.until(
        "the undone event to age",
        WAIT,
        () -> {
          try {
            return value(scrape(), "factum_group_lag_seconds{group=\"billing\"}") > 0;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    assertThat(value(samples, "factum_group_parked{group=\"billing\"}")).isEqualTo(1);
    assertThat(value(samples, "factum_group_consumers{group=\"billing\"}")).isEqualTo(1);
    assertThat(value(samples, "factum_group_redeliveries{group=\"billing\"}")).isZero();
    groups.delete("billing");
    assertThat(scrape().keySet()).noneMatch(series -> series.contains("billing"));
  }

  private double sample(String series) {
    try {
      return scrape().getOrDefault(series, Double.NaN);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
