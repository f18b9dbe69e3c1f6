package dev.factum.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.FactumException;
import dev.factum.api.OverloadedException;
import dev.factum.api.RateLimitedException;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StoreClosedException;
import dev.factum.api.Subscription;
import dev.factum.api.SubscriptionListener;
import dev.factum.api.SubscriptionRequest;
import dev.factum.wire.SseParser;
import dev.factum.wire.Urls;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;

/**
 * A subscription over Server-Sent Events that survives dropped connections.
 *
 * <p>Design note: the server's feed is already exactly-once and in order per connection, and it
 * resumes after any position given as {@code Last-Event-ID}. So the client only has to remember the
 * global position of the last event it delivered and present it when it reconnects; nothing is
 * buffered or replayed on the client. One virtual thread per subscription reads the connection and
 * calls the listener, which gives the listener the embedded store's contract: one thread, in order,
 * and a slow listener slows only its own feed (see {@link SseConnection}).
 *
 * <p>What must stay true:
 *
 * <ul>
 *   <li>Each event is delivered at most once and in order: an event at or before the last delivered
 *       one (revision for a stream, position for the log) is dropped, whatever the server sends.
 *   <li>A connection that ends, breaks, or goes silent for longer than the idle timeout is
 *       replaced, after a backoff pause, resuming after the last delivered event; the failure count
 *       restarts only once a connection delivered something, so a server that accepts and drops at
 *       once is retried with growing pauses, not in a tight loop.
 *   <li>An {@code error} event is the store's final word: the subscription ends with the mapped
 *       exception and does not reconnect. So does a refusal on reconnect (a 4xx, a corrupt store);
 *       only transport failures, {@code overloaded} and {@code store-closed} (a server restarting)
 *       are retried.
 *   <li>{@link SubscriptionListener#onCaughtUp} is called once, {@link
 *       SubscriptionListener#onClose} exactly once and last.
 * </ul>
 */
final class HttpSubscription implements Subscription {
  /** Everything a subscription needs from its client. */
  record Settings(
      HttpTransport transport,
      RetryPolicy reconnectPolicy,
      Duration headerTimeout,
      Duration idleTimeout,
      RandomGenerator random) {}

  /** The end cause recorded when the owner closes the subscription (reported as null). */
  private static final Object CLOSED_BY_OWNER = new Object();

  private final Settings settings;
  private final SubscriptionRequest request;
  private final SubscriptionListener listener;
  private final Set<HttpSubscription> registry;
  private final AtomicReference<Object> endCause = new AtomicReference<>();
  private final CountDownLatch ending = new CountDownLatch(1);
  private final AtomicBoolean closeSignalled = new AtomicBoolean();
  private volatile SseConnection current;
  private volatile long nextPosition;
  private volatile boolean closed;
  private long lastPosition = -1;
  private boolean caughtUp;

  private HttpSubscription(
      Settings settings,
      SubscriptionRequest request,
      SubscriptionListener listener,
      Set<HttpSubscription> registry) {
    this.settings = settings;
    this.request = request;
    this.listener = listener;
    this.registry = registry;
    this.nextPosition = request.from();
  }

  /**
   * Opens the first connection on the caller's thread (so a request the server refuses throws here,
   * as the embedded store's {@code subscribe} does), then follows it on a virtual thread.
   *
   * @param request a resolved request: {@code from} is a real revision or position, not END
   * @param registry the client's running subscriptions: joined before the first delivery, left
   *     after {@code onClose}
   */
  static HttpSubscription start(
      Settings settings,
      Retrier retrier,
      SubscriptionRequest request,
      SubscriptionListener listener,
      Set<HttpSubscription> registry,
      String name) {
    HttpSubscription subscription = new HttpSubscription(settings, request, listener, registry);
    SseConnection first = subscription.connectFirst(retrier);
    registry.add(subscription);
    Thread.ofVirtual().name(name).start(() -> subscription.run(first));
    return subscription;
  }

  @Override
  public void close() {
    stop(CLOSED_BY_OWNER);
  }

  /** Ends the subscription from outside with {@code cause} (the client closing). */
  void end(Throwable cause) {
    stop(cause);
  }

  private void stop(Object cause) {
    endCause.compareAndSet(null, cause);
    closed = true;
    if (closeSignalled.compareAndSet(false, true)) {
      ending.countDown();
      SseConnection connection = current;
      if (connection != null) {
        connection.cancel();
      }
    }
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public long nextPosition() {
    return nextPosition;
  }

  private SseConnection connectFirst(Retrier retrier) {
    RetryPolicy policy = retrier.policy();
    for (int attempt = 1; ; attempt++) {
      try {
        return connect();
      } catch (FactumException failure) {
        if (!Retrier.retryable(failure, true) || attempt >= policy.maxAttempts()) {
          throw failure;
        }
        pause(policy.backoff(attempt, Retrier.retryAfter(failure), settings.random()));
        if (closed) {
          throw new StoreClosedException("the subscription was closed while connecting");
        }
      }
    }
  }

  private SseConnection connect() {
    SseConnection connection = new SseConnection();
    current = connection;
    if (closed) {
      connection.cancel();
      throw new StoreClosedException("the subscription is closed");
    }
    String path =
        request.isStream()
            ? Urls.streamEvents(request.stream(), request.from())
            : Urls.allEvents(request.from(), request.filter());
    connection.open(
        settings.transport(), path, lastPosition, settings.headerTimeout(), request.stream());
    return connection;
  }

  private void run(SseConnection first) {
    Throwable cause = null;
    SseConnection connection = first;
    int failures = 0;
    try {
      while (!closed) {
        if (connection == null) {
          try {
            connection = connect();
          } catch (FactumException failure) {
            if (closed) {
              break;
            }
            failures++;
            if (!reconnectable(failure) || failures >= settings.reconnectPolicy().maxAttempts()) {
              cause = failure;
              break;
            }
            pause(
                settings
                    .reconnectPolicy()
                    .backoff(failures, Retrier.retryAfter(failure), settings.random()));
            continue;
          }
        }
        Outcome outcome = follow(connection);
        connection.cancel();
        connection = null;
        if (outcome.delivered()) {
          failures = 0;
        }
        if (outcome.cause() != null) {
          cause = outcome.cause();
          break;
        }
        if (!closed) {
          failures++;
          if (failures >= settings.reconnectPolicy().maxAttempts()) {
            cause = new OutcomeUnknownException("the event stream kept dropping", null);
            break;
          }
          pause(settings.reconnectPolicy().backoff(failures, null, settings.random()));
        }
      }
    } catch (RuntimeException | Error unexpected) {
      cause = unexpected;
    } finally {
      if (connection != null) {
        connection.cancel();
      }
      finish(cause);
    }
    if (cause instanceof Error error) {
      throw error;
    }
  }

  /** How one connection ended: whether it delivered anything, and a final cause if it is over. */
  private record Outcome(boolean delivered, Throwable cause) {}

  /** Events delivered to the listener so far, and how many of them it has heard a batch end for. */
  private long deliveredEvents;

  private long batchMark;

  /** Reads one connection until it ends, breaks, goes silent, or the subscription ends. */
  private Outcome follow(SseConnection connection) {
    SseParser parser = new SseParser();
    boolean delivered = false;
    while (!closed) {
      Object next;
      try {
        next = connection.next(settings.idleTimeout());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Outcome(delivered, new StoreClosedException("the subscription was interrupted"));
      }
      if (!(next instanceof byte[] chunk)) {
        return new Outcome(delivered, null); // silent, ended, broken or cancelled: reconnect
      }
      List<SseParser.Frame> frames;
      try {
        frames = parser.feed(chunk);
      } catch (IllegalStateException oversized) {
        return new Outcome(
            delivered, new UnexpectedResponseException(200, oversized.getMessage(), null));
      }
      for (SseParser.Frame frame : frames) {
        if (closed) {
          return new Outcome(delivered, null);
        }
        long before = deliveredEvents;
        Throwable end = handle(frame);
        // Only an event that reached the listener counts as progress (a caught-up frame alone
        // must not reset the reconnect policy's failure count).
        delivered |= deliveredEvents > before;
        if (end != null) {
          return new Outcome(delivered, end);
        }
      }
      Throwable batchEnd = batchDelivered();
      if (batchEnd != null) {
        return new Outcome(delivered, batchEnd);
      }
    }
    return new Outcome(delivered, null);
  }

  /** Handles one frame; returns why the subscription ends, or null to go on. */
  private Throwable handle(SseParser.Frame frame) {
    if (frame.event() == null || frame.event().equals("message")) {
      return deliver(frame);
    }
    switch (frame.event()) {
      case "caught-up" -> {
        Throwable batchEnd = batchDelivered();
        if (batchEnd != null) {
          return batchEnd;
        }
        if (!caughtUp) {
          caughtUp = true;
          try {
            listener.onCaughtUp();
          } catch (RuntimeException e) {
            return e;
          }
        }
        return null;
      }
      case "error" -> {
        try {
          JsonNode problem = WireCodec.parse(frame.data().getBytes(StandardCharsets.UTF_8));
          return ProblemMapper.fromProblem(
              problem, problem.path("status").asInt(500), null, request.stream());
        } catch (UncheckedIOException e) {
          return new UnexpectedResponseException(
              200, "an unreadable error event: " + frame.data(), e);
        }
      }
      default -> {
        return null; // an event kind this client does not know: not for it
      }
    }
  }

  private Throwable deliver(SseParser.Frame frame) {
    RecordedEvent event;
    try {
      event = WireCodec.event(frame.data().getBytes(StandardCharsets.UTF_8));
    } catch (UnexpectedResponseException e) {
      return e;
    }
    if ((request.isStream() ? event.revision() : event.position()) < nextPosition) {
      return null;
    }
    try {
      listener.onEvent(event);
    } catch (Exception e) {
      return e;
    }
    lastPosition = event.position();
    nextPosition = request.isStream() ? event.revision() + 1 : event.position() + 1;
    deliveredEvents++;
    return null;
  }

  /**
   * Tells the listener that the events received together have been delivered (the listener
   * contract's {@code onBatchDelivered}), once per chunk read and before {@code onCaughtUp}.
   */
  private Throwable batchDelivered() {
    if (deliveredEvents == batchMark) {
      return null;
    }
    batchMark = deliveredEvents;
    try {
      listener.onBatchDelivered();
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }

  private static boolean reconnectable(FactumException failure) {
    return Retrier.retryable(failure, true)
        || failure instanceof OverloadedException
        || failure instanceof RateLimitedException
        || failure instanceof StoreClosedException
        || (failure instanceof UnexpectedResponseException unexpected
            && unexpected.status() >= 502
            && unexpected.status() <= 504);
  }

  /** Sleeps, waking early when the subscription is closed. */
  private void pause(Duration pause) {
    try {
      ending.await(pause.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      end(new StoreClosedException("the subscription was interrupted"));
    }
  }

  private void finish(Throwable failure) {
    closed = true;
    endCause.compareAndSet(null, failure);
    Object cause = endCause.get();
    try {
      listener.onClose(cause instanceof Throwable t ? t : null);
    } catch (RuntimeException ignored) {
      // the subscription is over either way
    } finally {
      registry.remove(this);
    }
  }
}
