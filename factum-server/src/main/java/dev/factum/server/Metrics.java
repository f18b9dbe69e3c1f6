package dev.factum.server;

import dev.factum.engine.FactumStore;
import dev.factum.engine.PipelineStats;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's Prometheus metrics, written in the text exposition format. Counters are lock-free;
 * the append latency histogram has fixed buckets (seconds) chosen around durable-write latencies.
 * Gauges (head position, subscriptions, lag) and the writer's batch counters are read from the
 * store when scraped.
 */
final class Metrics {
  private static final double[] BUCKETS = {
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5
  };

  private final FactumStore store;
  private final Map<String, LongAdder> appendsByResult = new ConcurrentHashMap<>();
  private final LongAdder eventsAppended = new LongAdder();
  private final AtomicLongArray latencyBuckets = new AtomicLongArray(BUCKETS.length + 1);
  private final LongAdder latencyCount = new LongAdder();
  private final LongAdder latencyNanos = new LongAdder();
  private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
  private final LongAdder sseSessions = new LongAdder();

  Metrics(FactumStore store) {
    this.store = store;
  }

  void appended(String result, int events, long nanos) {
    appendsByResult.computeIfAbsent(result, k -> new LongAdder()).increment();
    if ("ok".equals(result)) {
      eventsAppended.add(events);
    }
    double seconds = nanos / 1e9;
    int bucket = 0;
    while (bucket < BUCKETS.length && seconds > BUCKETS[bucket]) {
      bucket++;
    }
    latencyBuckets.incrementAndGet(bucket);
    latencyCount.increment();
    latencyNanos.add(nanos);
  }

  void request(Route route, int status) {
    requests
        .computeIfAbsent(route.name().toLowerCase() + "|" + status, k -> new LongAdder())
        .increment();
  }

  void sseOpened() {
    sseSessions.increment();
  }

  void sseClosed() {
    sseSessions.decrement();
  }

  String render() {
    StringBuilder out = new StringBuilder(4096);
    out.append("# HELP factum_appends_total Append requests by result (ok or an error code).\n");
    out.append("# TYPE factum_appends_total counter\n");
    appendsByResult.forEach(
        (result, count) ->
            out.append("factum_appends_total{result=\"")
                .append(result)
                .append("\"} ")
                .append(count.sum())
                .append('\n'));
    counter(
        out,
        "factum_events_appended_total",
        "Events committed through this server.",
        eventsAppended.sum());
    PipelineStats stats = store.pipelineStats();
    counter(
        out, "factum_write_batches_total", "Group commits made by the writer.", stats.batches());
    counter(
        out, "factum_write_batch_events_total", "Events written by those commits.", stats.events());
    counter(
        out,
        "factum_write_batch_commands_total",
        "Appends and deletes in those commits.",
        stats.commands());
    out.append(
        "# HELP factum_append_duration_seconds Time to append, from request to durable acknowledgement.\n");
    out.append("# TYPE factum_append_duration_seconds histogram\n");
    long cumulative = 0;
    for (int i = 0; i < BUCKETS.length; i++) {
      cumulative += latencyBuckets.get(i);
      out.append("factum_append_duration_seconds_bucket{le=\"")
          .append(BUCKETS[i])
          .append("\"} ")
          .append(cumulative)
          .append('\n');
    }
    cumulative += latencyBuckets.get(BUCKETS.length);
    out.append("factum_append_duration_seconds_bucket{le=\"+Inf\"} ")
        .append(cumulative)
        .append('\n');
    out.append("factum_append_duration_seconds_sum ").append(latencyNanos.sum() / 1e9).append('\n');
    out.append("factum_append_duration_seconds_count ").append(latencyCount.sum()).append('\n');
    gauge(
        out,
        "factum_head_position",
        "Position of the newest committed event (-1: empty).",
        store.headPosition());
    gauge(
        out,
        "factum_subscriptions",
        "Running subscriptions (SSE and embedded).",
        store.subscriptionCount());
    gauge(out, "factum_sse_sessions", "Open Server-Sent Events connections.", sseSessions.sum());
    gauge(
        out,
        "factum_subscription_max_lag_events",
        "Events the furthest-behind log subscription trails the head by.",
        store.maxSubscriptionLag());
    out.append("# HELP factum_http_requests_total HTTP requests by route and status.\n");
    out.append("# TYPE factum_http_requests_total counter\n");
    requests.forEach(
        (key, count) -> {
          String[] parts = key.split("\\|");
          out.append("factum_http_requests_total{route=\"")
              .append(parts[0])
              .append("\",status=\"")
              .append(parts[1])
              .append("\"} ")
              .append(count.sum())
              .append('\n');
        });
    return out.toString();
  }

  private static void counter(StringBuilder out, String name, String help, long value) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" counter\n");
    out.append(name).append(' ').append(value).append('\n');
  }

  private static void gauge(StringBuilder out, String name, String help, long value) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" gauge\n");
    out.append(name).append(' ').append(value).append('\n');
  }
}
