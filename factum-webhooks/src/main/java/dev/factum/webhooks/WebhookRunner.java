package dev.factum.webhooks;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.factum.api.FactumException;
import dev.factum.api.NotDeliveredException;
import dev.factum.api.StoreClosedException;
import dev.factum.api.groups.ConsumerGroups;
import dev.factum.api.groups.Delivery;
import dev.factum.engine.RecordRunners;
import dev.factum.wire.EventContent;
import dev.factum.wire.WireJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Forwards one webhook's events: polls its consumer group, POSTs each batch as one signed request,
 * acks the batch on a 2xx answer; after a failure, sends the batch's events one per request (in
 * parallel) so that only the events that fail are nacked, and those are retried with the group's
 * backoff and parked after its last retry.
 *
 * <p>What must stay true, and why:
 *
 * <ul>
 *   <li>Per-stream order: the group hands out an event of a stream only once every earlier one of
 *       that stream is acked or parked, so a batch holds at most one event per stream, and an event
 *       reaches the receiver only after every earlier event of its stream was answered 2xx (or
 *       parked). A receiver may see an event again (at-least-once), never an earlier one after it.
 *   <li>A failing stream blocks no other: a failed batch is split into single-event requests, and
 *       only the events whose own request fails are nacked.
 *   <li>Nothing is acked before the receiver answered 2xx for it.
 *   <li>The group's ack timeout exceeds the longest a batch can take here (two request timeouts and
 *       a margin), so a slow receiver does not cause a second delivery of a batch under way.
 * </ul>
 */
final class WebhookRunner implements RecordRunners.Runner {
  /** The one consumer of a webhook's group, per process. */
  static final String CONSUMER = "webhook";

  private final ConsumerGroups groups;
  private final byte[] secret;
  private final HttpClient http;
  private final Clock clock;
  private final ExecutorService singles = Executors.newVirtualThreadPerTaskExecutor();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong failedRequests = new AtomicLong();
  private volatile WebhookDefinition definition;
  private volatile String lastError;
  private volatile Instant lastDelivery;
  private volatile boolean stopped;
  private Thread thread;

  WebhookRunner(ConsumerGroups groups, WebhookDefinition definition, byte[] secret, Clock clock) {
    this.groups = groups;
    this.definition = definition;
    this.secret = secret.clone();
    this.clock = clock;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(definition.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** The group's ack timeout for a webhook with this request timeout. */
  static Duration ackTimeout(Duration requestTimeout) {
    return requestTimeout.multipliedBy(2).plusSeconds(10);
  }

  @Override
  public synchronized void start() {
    thread =
        Thread.ofPlatform().daemon().name("factum-webhook-" + definition.name()).start(this::run);
  }

  /** Takes a changed definition (pause, resume) at the next poll. */
  synchronized void update(WebhookDefinition changed) {
    definition = changed;
    notifyAll();
  }

  /** Stops after the request under way (joined outside the monitor the runner waits on). */
  @Override
  public void stop() throws InterruptedException {
    Thread running;
    synchronized (this) {
      stopped = true;
      notifyAll();
      running = thread;
    }
    if (running != null) {
      running.interrupt();
      running.join(Duration.ofSeconds(30));
    }
    singles.shutdownNow();
    http.close();
  }

  WebhookStatus status() {
    return new WebhookStatus(
        definition,
        groups.status(definition.group()),
        delivered.get(),
        failedRequests.get(),
        lastError,
        lastDelivery);
  }

  private void run() {
    while (!stopped) {
      try {
        if (awaitRunnable()) {
          forward(
              groups.poll(
                  definition.group(), CONSUMER, definition.maxBatch(), Duration.ofSeconds(1)));
        }
      } catch (InterruptedException e) {
        break;
      } catch (StoreClosedException e) {
        break;
      } catch (FactumException | UncheckedIOException e) {
        lastError = e.getMessage();
        try {
          pause(Duration.ofSeconds(1));
        } catch (InterruptedException interrupted) {
          break;
        }
      }
    }
    if (!stopped) {
      return;
    }
    try {
      groups.leave(definition.group(), CONSUMER);
    } catch (FactumException e) {
      // the store is closing or the group is gone: its deliveries are handed out again anyway
    }
  }

  /** Waits while paused; false when stopped meanwhile. */
  private synchronized boolean awaitRunnable() throws InterruptedException {
    while (definition.paused() && !stopped) {
      wait();
    }
    return !stopped;
  }

  private synchronized void pause(Duration duration) throws InterruptedException {
    long until = System.nanoTime() + duration.toNanos();
    for (long left = duration.toNanos(); left > 0 && !stopped; left = until - System.nanoTime()) {
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  private void forward(List<Delivery> batch) throws InterruptedException {
    if (batch.isEmpty()) {
      return;
    }
    String failure = post(batch);
    if (failure == null) {
      batch.forEach(this::ack);
      return;
    }
    if (batch.size() == 1) {
      nack(batch.getFirst(), failure);
      return;
    }
    List<Future<String>> outcomes = new ArrayList<>();
    for (Delivery delivery : batch) {
      outcomes.add(singles.submit(() -> post(List.of(delivery))));
    }
    for (int i = 0; i < batch.size(); i++) {
      String single;
      try {
        single = outcomes.get(i).get();
      } catch (ExecutionException e) {
        single = String.valueOf(e.getCause());
      }
      if (single == null) {
        ack(batch.get(i));
      } else {
        nack(batch.get(i), single);
      }
    }
  }

  /** POSTs the events; null when the receiver answered 2xx, else why not. */
  private String post(List<Delivery> batch) throws InterruptedException {
    WebhookDefinition current = definition;
    byte[] body = body(current.name(), batch);
    String signature = WebhookSignature.sign(secret, clock.instant().getEpochSecond(), body);
    HttpRequest request =
        HttpRequest.newBuilder(current.url())
            .timeout(current.timeout())
            .header("Content-Type", "application/json")
            .header(WebhookSignature.HEADER, signature)
            .header("Factum-Webhook", current.name())
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    try {
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() / 100 == 2) {
        lastDelivery = clock.instant();
        return null;
      }
      return fail("HTTP " + response.statusCode() + " from " + current.url());
    } catch (IOException e) {
      return fail(e.getClass().getSimpleName() + " from " + current.url() + ": " + e.getMessage());
    }
  }

  private String fail(String reason) {
    failedRequests.incrementAndGet();
    lastError = reason;
    return reason;
  }

  private void ack(Delivery delivery) {
    try {
      groups.ack(definition.group(), CONSUMER, delivery.position());
      delivered.incrementAndGet();
    } catch (NotDeliveredException e) {
      // timed out meanwhile and handed out again: the next delivery answers for it
    }
  }

  private void nack(Delivery delivery, String reason) {
    try {
      groups.nack(definition.group(), CONSUMER, delivery.position(), reason);
    } catch (NotDeliveredException e) {
      // as above
    }
  }

  /** {@code {"webhook": name, "events": [v1 events]}}. */
  static byte[] body(String name, List<Delivery> batch) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 * batch.size());
    try (JsonGenerator json = WireJson.factory().createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("webhook", name);
      json.writeArrayFieldStart("events");
      for (Delivery delivery : batch) {
        json.writeStartObject();
        EventContent.writeRecorded(
            json,
            delivery.event(),
            true,
            (bytes, what) -> new String(bytes, StandardCharsets.UTF_8));
        json.writeNumberField("attempt", delivery.attempt());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
