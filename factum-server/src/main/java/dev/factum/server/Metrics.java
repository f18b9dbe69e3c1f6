package dev.factum.server;

import dev.factum.api.FactumException;
import dev.factum.api.groups.GroupStatus;
import dev.factum.engine.FactumStore;
import dev.factum.engine.spi.StorageGauge;
import dev.factum.kafka.SinkStatus;
import dev.factum.projections.ProjectionStatus;
import dev.factum.webhooks.WebhookStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The server's metrics: Micrometer meters in a Prometheus registry of the server's own, written in
 * the Prometheus text format by {@link #render}. The names are the API operators and dashboards
 * rely on (listed in docs/OPERATIONS.md); Micrometer's Prometheus naming turns {@code
 * factum.appends} into {@code factum_appends_total} and a timer into {@code _seconds} histograms.
 *
 * <p>What is counted here: appends by result, HTTP requests by route and status, append and read
 * latency (histograms with fixed buckets around durable-write latencies; reads by kind: stream,
 * log, filtered log). What is read when scraped: the store's head, subscriptions and lag, each
 * consumer group's checkpoint, lag, in-flight, parked, consumers and redeliveries, the writer's
 * batch counters, the storage's own gauges ({@link StorageGauge}), and the JVM's (heap, GC,
 * threads, class loading, CPU, file descriptors, uptime).
 *
 * <p>Each server has its own registry (never the global one), so two servers in one JVM count
 * apart; {@link #close} detaches the GC listeners.
 */
final class Metrics implements AutoCloseable {
  private static final Duration[] BUCKETS = {
    Duration.ofNanos(500_000),
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5)
  };

  /** The kinds of read timed apart: a stream, the whole log, the log through a filter index. */
  enum ReadKind {
    STREAM,
    LOG,
    FILTERED_LOG
  }

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final Map<String, Counter> appendsByResult = new ConcurrentHashMap<>();
  private final Map<String, Counter> requests = new ConcurrentHashMap<>();
  private final Map<String, Counter> authFailures = new ConcurrentHashMap<>();
  private final Map<ReadKind, Timer> reads = new EnumMap<>(ReadKind.class);
  private final Counter eventsAppended;
  private final Timer appendLatency;
  private final AtomicInteger sseSessions = new AtomicInteger();
  private final Map<String, MultiGauge> groupGauges = new LinkedHashMap<>();
  private final FactumStore store;

  /** Written only: keeps the objects the group gauges read (weakly) reachable between scrapes. */
  @SuppressWarnings("UnusedVariable")
  private volatile List<GroupStatus> lastGroups = List.of();

  private ServerForwarders forwarders;
  private MultiGauge webhookDelivered;
  private MultiGauge webhookFailures;
  private final Map<String, MultiGauge> sinkGauges = new LinkedHashMap<>();

  private ServerProjections projections;
  private MultiGauge projectionLag;

  /** As {@link #lastGroups}, for the projection gauge. */
  @SuppressWarnings("UnusedVariable")
  private volatile List<ProjectionStatus> lastProjections = List.of();

  /** As {@link #lastGroups}, for the sink gauges. */
  @SuppressWarnings("UnusedVariable")
  private volatile List<ServerForwarders.Labelled<SinkStatus>> lastSinks = List.of();

  /** As {@link #lastGroups}, for the webhook gauges. */
  @SuppressWarnings("UnusedVariable")
  private volatile List<ServerForwarders.Labelled<WebhookStatus>> lastWebhooks = List.of();

  Metrics(FactumStore store) {
    this.store = store;
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    eventsAppended =
        Counter.builder("factum.events.appended")
            .description("Events committed through this server.")
            .register(registry);
    appendLatency =
        Timer.builder("factum.append.duration")
            .description("Time to append, from request to durable acknowledgement.")
            .serviceLevelObjectives(BUCKETS)
            .register(registry);
    for (ReadKind kind : ReadKind.values()) {
      reads.put(
          kind,
          Timer.builder("factum.read.duration")
              .description("Time the store takes to answer a read page, by kind of read.")
              .tag("kind", kind.name().toLowerCase(Locale.ROOT))
              .serviceLevelObjectives(BUCKETS)
              .register(registry));
    }
    FunctionCounter.builder("factum.write.batches", store, s -> s.pipelineStats().batches())
        .description("Group commits made by the writer.")
        .register(registry);
    FunctionCounter.builder("factum.write.batch.events", store, s -> s.pipelineStats().events())
        .description("Events written by those commits.")
        .register(registry);
    FunctionCounter.builder("factum.write.batch.commands", store, s -> s.pipelineStats().commands())
        .description("Appends and deletes in those commits.")
        .register(registry);
    Gauge.builder("factum.subjects", store, s -> s.shreddingStats().subjects())
        .description(
            "Data subjects holding a key (crypto-shredding; counted at open, then this"
                + " process's creates and forgets).")
        .register(registry);
    Gauge.builder("factum.subject.keys.cached", store, FactumStore::cachedSubjectKeys)
        .description("Data subjects' keys in this process's bounded cache.")
        .register(registry);
    FunctionCounter.builder("factum.subject.forgets", store, s -> s.shreddingStats().forgets())
        .description("Data subjects forgotten (their keys destroyed) by this process.")
        .register(registry);
    FunctionCounter.builder(
            "factum.subject.keys.created", store, s -> s.shreddingStats().keysCreated())
        .description("Data subjects' keys created by this process.")
        .register(registry);
    FunctionCounter.builder(
            "factum.subject.events.sealed", store, s -> s.shreddingStats().sealedEvents())
        .description("Events encrypted under a data subject's key (appends and imports).")
        .register(registry);
    FunctionCounter.builder(
            "factum.subject.events.opened", store, s -> s.shreddingStats().openedEvents())
        .description("Events decrypted for a read.")
        .register(registry);
    FunctionCounter.builder(
            "factum.subject.events.redacted", store, s -> s.shreddingStats().redactedEvents())
        .description("Events read redacted: their data subject was forgotten.")
        .register(registry);
    FunctionCounter.builder(
            "factum.subject.crypto.seconds",
            store,
            s -> (s.shreddingStats().sealNanos() + s.shreddingStats().openNanos()) / 1e9)
        .description("Time spent encrypting and decrypting subjects' events.")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder("factum.head.position", store, FactumStore::headPosition)
        .description("Position of the newest committed event (-1: empty).")
        .register(registry);
    Gauge.builder("factum.scavenge.running", store, s -> s.scavengeStatus().isRunning() ? 1 : 0)
        .description("1 while a scavenging run removes what no read can see (docs/LIFECYCLE.md).")
        .register(registry);
    Gauge.builder("factum.scavenge.events.removed", store, s -> s.scavengeStatus().eventsRemoved())
        .description("Events the current or last scavenging run removed.")
        .baseUnit("events")
        .register(registry);
    Gauge.builder(
            "factum.scavenge.streams.visited", store, s -> s.scavengeStatus().streamsVisited())
        .description("Streams the current or last scavenging run has visited.")
        .register(registry);
    Gauge.builder(
            "factum.scavenge.bytes.reclaimed", store, s -> s.scavengeStatus().bytesReclaimed())
        .description("Disk bytes the last finished scavenging run gave back (-1: unknown yet).")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("factum.subscriptions", store, FactumStore::subscriptionCount)
        .description("Running subscriptions (SSE and embedded).")
        .register(registry);
    Gauge.builder("factum.sse.sessions", sseSessions, AtomicInteger::get)
        .description("Open Server-Sent Events connections.")
        .register(registry);
    Gauge.builder("factum.subscription.max.lag", store, FactumStore::maxSubscriptionLag)
        .description("Events the furthest-behind log subscription trails the head by.")
        .baseUnit("events")
        .register(registry);
    groupGauges.put(
        "checkpoint",
        MultiGauge.builder("factum.group.checkpoint")
            .description("Consumer group checkpoint: every event of its source below is done.")
            .register(registry));
    groupGauges.put(
        "lag",
        MultiGauge.builder("factum.group.lag")
            .description("Events of the log from a consumer group's checkpoint to the head.")
            .baseUnit("events")
            .register(registry));
    groupGauges.put(
        "lagSeconds",
        MultiGauge.builder("factum.group.lag.seconds")
            .description("Age of the oldest event of a consumer group not yet done.")
            .register(registry));
    groupGauges.put(
        "inFlight",
        MultiGauge.builder("factum.group.in.flight")
            .description("Deliveries of a consumer group not yet acked, nacked or timed out.")
            .register(registry));
    groupGauges.put(
        "parked",
        MultiGauge.builder("factum.group.parked")
            .description("Parked events of a consumer group.")
            .register(registry));
    groupGauges.put(
        "consumers",
        MultiGauge.builder("factum.group.consumers")
            .description("Consumers of a group seen within its ack timeout.")
            .register(registry));
    groupGauges.put(
        "redeliveries",
        MultiGauge.builder("factum.group.redeliveries")
            .description("Deliveries after a nack or a timeout since the store opened.")
            .register(registry));
    for (StorageGauge gauge : store.storageGauges()) {
      // Micrometer holds a gauge's object weakly; nothing else holds these suppliers.
      Gauge.builder("factum.storage." + gauge.name(), gauge.value(), v -> v.getAsDouble())
          .description(gauge.description())
          .baseUnit(gauge.unit())
          .strongReference(true)
          .register(registry);
    }
  }

  /** Open client connections of Factum's own HTTP server (not registered on the JDK's). */
  void httpConnections(IntSupplier open) {
    Gauge.builder("factum.http.connections", open, IntSupplier::getAsInt)
        .description("Open HTTP client connections (keep-alive and SSE ones included).")
        .strongReference(true)
        .register(registry);
  }

  /**
   * The served certificate's expiry, as a Unix time in seconds: an alert can fire weeks before the
   * clients start failing.
   */
  void tlsCertificate(TlsConfig tls) {
    long notAfter = tls.notAfter().getEpochSecond();
    Gauge.builder("factum.tls.certificate.expiry", () -> notAfter)
        .description("When the served TLS certificate expires (Unix time).")
        .baseUnit("seconds")
        .strongReference(true)
        .register(registry);
  }

  void appended(String result, int events, long nanos) {
    appendsByResult
        .computeIfAbsent(
            result,
            r ->
                Counter.builder("factum.appends")
                    .description("Append requests by result (ok or an error code).")
                    .tag("result", r)
                    .register(registry))
        .increment();
    if ("ok".equals(result)) {
      eventsAppended.increment(events);
    }
    appendLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Runs one write of {@code events} events, counting it by result and timing it. */
  <T> T timeWrite(int events, Supplier<T> write) {
    long started = System.nanoTime();
    T result;
    try {
      result = write.get();
    } catch (FactumException e) {
      appended(e.code().id(), 0, System.nanoTime() - started);
      throw e;
    }
    appended("ok", events, System.nanoTime() - started);
    return result;
  }

  void read(ReadKind kind, long nanos) {
    reads.get(kind).record(nanos, TimeUnit.NANOSECONDS);
  }

  void request(Route route, int status) {
    String routeName = route.name().toLowerCase(Locale.ROOT);
    requests
        .computeIfAbsent(
            routeName + "|" + status,
            k ->
                Counter.builder("factum.http.requests")
                    .description("HTTP requests by route and status.")
                    .tag("route", routeName)
                    .tag("status", Integer.toString(status))
                    .register(registry))
        .increment();
  }

  /**
   * A request refused by the auth layer, by reason ({@code unauthorized}, {@code forbidden}, {@code
   * rate-limited}); no key, route or stream is named.
   */
  void authFailure(String reason) {
    authFailures
        .computeIfAbsent(
            reason,
            k ->
                Counter.builder("factum.auth.failures")
                    .description("Requests refused by authentication, authorization or rate limit.")
                    .tag("reason", reason)
                    .register(registry))
        .increment();
  }

  /**
   * The tenants: how many exist ({@code factum_tenants}) and how many of their stores this server
   * has open ({@code factum_tenant_stores_open}). Counts only: no tenant name is a label, so a
   * scrape tells nothing of who the tenants are; the other gauges are the root store's.
   */
  void tenants(TenantStores tenants) {
    Gauge.builder("factum.tenants", tenants, t -> t.registry().size())
        .description("Tenants that exist.")
        .register(registry);
    Gauge.builder("factum.tenant.stores.open", tenants, TenantStores::openStores)
        .description("Tenants' stores this server has open.")
        .register(registry);
  }

  /**
   * Automatic scavenging ({@link ScavengeScheduler}): runs the schedule started over all stores
   * ({@code factum_scavenge_scheduled_runs_total}), when its next tick is due ({@code
   * factum_scavenge_next_run_timestamp_seconds}, -1 without a schedule) and when the root store's
   * last run ended ({@code factum_scavenge_last_finished_timestamp_seconds}, -1: none yet).
   */
  void scavengeSchedule(ScavengeScheduler scheduler) {
    // the handler holds the scheduler for the server's life (the meters hold it weakly)
    FunctionCounter.builder(
            "factum.scavenge.scheduled.runs", scheduler, ScavengeScheduler::runsStarted)
        .description("Scavenging runs the schedule started (all stores) since the server started.")
        .register(registry);
    Gauge.builder(
            "factum.scavenge.next.run.timestamp",
            scheduler,
            s -> s.nextRunAt() == null ? -1 : s.nextRunAt().toEpochMilli() / 1e3)
        .description("When the scavenging schedule next starts runs (-1: no schedule).")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder(
            "factum.scavenge.last.finished.timestamp",
            store,
            s ->
                s.scavengeStatus().finishedAt() == null
                    ? -1
                    : s.scavengeStatus().finishedAt().toEpochMilli() / 1e3)
        .description("When the root store's last scavenging run ended (-1: none yet).")
        .baseUnit("seconds")
        .register(registry);
  }

  /**
   * The Serialized reactors of every store (the root store's and the tenants'), summed: reactions
   * executed (the receiver answered 2xx) and failed for good since this server started, reactions
   * due now (ready or ongoing), and how many reactors run. No tenant name is a label.
   */
  void reactions(ServerReactions reactor) {
    // the handler holds the reactor for the server's life (the meters hold it weakly)
    FunctionCounter.builder(
            "factum.serialized.reactions.executed", reactor, ServerReactions::executed)
        .description("Serialized reactions executed since this server started.")
        .register(registry);
    FunctionCounter.builder("factum.serialized.reactions.failed", reactor, ServerReactions::failed)
        .description("Serialized reactions that failed after their last attempt.")
        .register(registry);
    Gauge.builder("factum.serialized.reactions.due", reactor, ServerReactions::due)
        .description("Serialized reactions due now (ready or ongoing): the reactors' backlog.")
        .register(registry);
    Gauge.builder("factum.serialized.reactors", reactor, ServerReactions::running)
        .description("Serialized reactors running: the root store's and tenants' with reactions.")
        .register(registry);
  }

  /**
   * Per webhook and Kafka sink of every store ({@code tenant} label: the store's tenant, {@code ""}
   * for the root store; {@code webhook} or {@code sink}: names an administrator chose). Webhooks:
   * events the receiver acknowledged and requests that failed since this server started it (its lag
   * and parked events are its group's, {@code factum_group_*{group="$webhook-<name>"}}, of the root
   * store only). Sinks: lag behind the head in events and in seconds, events forwarded and failed
   * attempts since this server started it.
   */
  void forwarders(ServerForwarders all) {
    this.forwarders = all;
    webhookDelivered =
        MultiGauge.builder("factum.webhook.delivered")
            .description("Events a webhook's receiver acknowledged since this server started it.")
            .baseUnit("events")
            .register(registry);
    webhookFailures =
        MultiGauge.builder("factum.webhook.failed.requests")
            .description("Requests of a webhook that failed (status, timeout, connection).")
            .register(registry);
    sinkGauges.put(
        "lagEvents",
        MultiGauge.builder("factum.sink.lag.events")
            .description("Log positions from a Kafka sink's next position to the head.")
            .register(registry));
    sinkGauges.put(
        "lagSeconds",
        MultiGauge.builder("factum.sink.lag.seconds")
            .description("Age of the oldest event a Kafka sink has not forwarded, in seconds.")
            .register(registry));
    sinkGauges.put(
        "forwarded",
        MultiGauge.builder("factum.sink.forwarded")
            .description("Events a Kafka sink committed to Kafka since this server started it.")
            .baseUnit("events")
            .register(registry));
    sinkGauges.put(
        "errors",
        MultiGauge.builder("factum.sink.errors")
            .description("Failed attempts of a Kafka sink (it waits and retries, never skips).")
            .register(registry));
  }

  void sseOpened() {
    sseSessions.incrementAndGet();
  }

  void sseClosed() {
    sseSessions.decrementAndGet();
  }

  /** Per declarative projection of the root store ({@code projection} label): its lag in events. */
  void projections(ServerProjections all) {
    this.projections = all;
    projectionLag =
        MultiGauge.builder("factum.projection.lag.events")
            .description(
                "Log positions from a projection's checkpoint to the head (an upper bound).")
            .register(registry);
  }

  private void refreshProjections() {
    if (projections == null) {
      return;
    }
    List<ProjectionStatus> statuses;
    try {
      statuses = projections.of(store).statuses();
    } catch (FactumException | IllegalStateException closed) {
      statuses = List.of();
    }
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (ProjectionStatus status : statuses) {
      rows.add(
          MultiGauge.Row.of(Tags.of("projection", status.name()), status, ProjectionStatus::lag));
    }
    projectionLag.register(rows, true);
    lastProjections = statuses;
  }

  /** Every metric in the Prometheus text format (version 0.0.4). */
  String render() {
    refreshGroups();
    refreshProjections();
    refreshWebhooks();
    refreshSinks();
    return registry.scrape();
  }

  /** One row per consumer group, read at each scrape (groups come and go). */
  private void refreshGroups() {
    List<GroupStatus> groups;
    try {
      groups = store.consumerGroups().list();
    } catch (FactumException closed) {
      groups = List.of();
    }
    Map<String, ToDoubleFunction<GroupStatus>> values =
        Map.of(
            "checkpoint", GroupStatus::checkpoint,
            "lag", GroupStatus::lag,
            "lagSeconds", GroupStatus::lagSeconds,
            "inFlight", GroupStatus::inFlight,
            "parked", GroupStatus::parked,
            "consumers", GroupStatus::consumers,
            "redeliveries", GroupStatus::redeliveries);
    for (Map.Entry<String, MultiGauge> gauge : groupGauges.entrySet()) {
      ToDoubleFunction<GroupStatus> value = values.get(gauge.getKey());
      List<MultiGauge.Row<?>> rows = new ArrayList<>();
      for (GroupStatus group : groups) {
        rows.add(MultiGauge.Row.of(Tags.of("group", group.definition().name()), group, value));
      }
      gauge.getValue().register(rows, true);
    }
    lastGroups = groups; // the gauges read these weakly: keep them until the next scrape
  }

  private void refreshSinks() {
    if (forwarders == null) {
      return;
    }
    List<ServerForwarders.Labelled<SinkStatus>> statuses = forwarders.sinkStatuses();
    Map<String, ToDoubleFunction<SinkStatus>> values =
        Map.of(
            "lagEvents", SinkStatus::lagEvents,
            "lagSeconds", SinkStatus::lagSeconds,
            "forwarded", SinkStatus::forwarded,
            "errors", SinkStatus::errors);
    for (Map.Entry<String, MultiGauge> gauge : sinkGauges.entrySet()) {
      ToDoubleFunction<SinkStatus> value = values.get(gauge.getKey());
      List<MultiGauge.Row<?>> rows = new ArrayList<>();
      for (ServerForwarders.Labelled<SinkStatus> row : statuses) {
        rows.add(
            MultiGauge.Row.of(
                Tags.of("sink", row.status().definition().name(), "tenant", row.tenant()),
                row.status(),
                value));
      }
      gauge.getValue().register(rows, true);
    }
    lastSinks = statuses;
  }

  private void refreshWebhooks() {
    if (forwarders == null) {
      return;
    }
    List<ServerForwarders.Labelled<WebhookStatus>> statuses = forwarders.webhookStatuses();
    List<MultiGauge.Row<?>> delivered = new ArrayList<>();
    List<MultiGauge.Row<?>> failures = new ArrayList<>();
    for (ServerForwarders.Labelled<WebhookStatus> row : statuses) {
      Tags tags = Tags.of("webhook", row.status().definition().name(), "tenant", row.tenant());
      delivered.add(MultiGauge.Row.of(tags, row.status(), WebhookStatus::delivered));
      failures.add(MultiGauge.Row.of(tags, row.status(), WebhookStatus::failedRequests));
    }
    webhookDelivered.register(delivered, true);
    webhookFailures.register(failures, true);
    lastWebhooks = statuses;
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
