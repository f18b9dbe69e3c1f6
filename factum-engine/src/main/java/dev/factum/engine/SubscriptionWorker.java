package dev.factum.engine;

import dev.factum.api.RecordedEvent;
import dev.factum.api.StoreClosedException;
import dev.factum.api.Subscription;
import dev.factum.api.SubscriptionListener;
import dev.factum.api.SubscriptionRequest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One subscription, run on its own virtual thread.
 *
 * <p>Design note: there is no separate "live" path to hand over to. The worker always reads from
 * storage, a page at a time, starting at its cursor and bounded by the published head; when a page
 * comes back short it has reached the head, and it sleeps until the writer publishes a newer one.
 * Catch-up and live are the same loop, so the switch between them cannot lose or repeat an event:
 * the cursor only moves past events that were delivered (or, for a filtered feed, past positions
 * that the index proved hold nothing matching up to the head). Memory per subscriber is one page; a
 * slow listener only delays its own next read.
 */
final class SubscriptionWorker implements Subscription {

  /** Reads up to {@code limit} events at or after {@code cursor}, none beyond {@code head}. */
  @FunctionalInterface
  interface Source {
    List<RecordedEvent> read(long cursor, long head, int limit);
  }

  private final SubscriptionRequest request;
  private final SubscriptionListener listener;
  private final HeadPublisher publisher;
  private final Source source;
  private final int pageSize;
  private final Consumer<SubscriptionWorker> onEnd;
  private volatile long cursor;
  private volatile boolean closed;
  private volatile Throwable endCause;
  private volatile Thread thread;

  SubscriptionWorker(
      SubscriptionRequest request,
      long start,
      SubscriptionListener listener,
      HeadPublisher publisher,
      Source source,
      int pageSize,
      Consumer<SubscriptionWorker> onEnd) {
    this.request = request;
    this.cursor = start;
    this.listener = listener;
    this.publisher = publisher;
    this.source = source;
    this.pageSize = pageSize;
    this.onEnd = onEnd;
  }

  void start(String name) {
    thread = Thread.ofVirtual().name(name).start(this::run);
  }

  @Override
  public void close() {
    end(null);
  }

  /** Ends the subscription; {@code cause} is passed to the listener (null: closed by its owner). */
  void end(Throwable cause) {
    if (closed) {
      return;
    }
    endCause = cause;
    closed = true;
    Thread running = thread;
    if (running != null && running != Thread.currentThread()) {
      running.interrupt();
    }
  }

  boolean isStreamSubscription() {
    return request.isStream();
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public long nextPosition() {
    return cursor;
  }

  private void run() {
    Throwable failure = null;
    try {
      boolean caughtUp = false;
      while (!closed) {
        if (publisher.isStopped()) {
          throw new StoreClosedException("the store is closed");
        }
        long head = publisher.head();
        List<RecordedEvent> page = source.read(cursor, head, pageSize);
        for (RecordedEvent event : page) {
          if (closed) {
            break;
          }
          listener.onEvent(event);
          cursor = request.isStream() ? event.revision() + 1 : event.position() + 1;
        }
        if (!page.isEmpty() && !closed) {
          listener.onBatchDelivered();
        }
        if (closed || page.size() == pageSize) {
          continue;
        }
        if (!request.isStream()) {
          // The read was bounded by head and came back short: nothing else matches up to head.
          cursor = Math.max(cursor, head + 1);
        }
        if (!caughtUp) {
          caughtUp = true;
          listener.onCaughtUp();
        }
        publisher.awaitBeyond(head, 1, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      if (!closed) {
        failure = e;
      }
    } catch (Throwable t) {
      failure = t;
    } finally {
      Throwable cause = closed ? endCause : failure;
      closed = true;
      Thread.interrupted(); // a close may interrupt after the loop ended; do not leak it
      try {
        listener.onClose(cause);
      } catch (RuntimeException ignored) {
        // the subscription is over either way; a failing onClose has nobody left to tell
      } finally {
        onEnd.accept(this);
      }
    }
  }
}
