package dev.factum.server;

import com.sun.net.httpserver.HttpExchange;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StoreClosedException;
import dev.factum.api.Subscription;
import dev.factum.api.SubscriptionListener;
import dev.factum.api.SubscriptionRequest;
import dev.factum.wire.SseFrames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One Server-Sent Events connection: a store subscription whose listener writes each event to the
 * response as it is delivered ({@code id:} = position, {@code data:} = the event JSON).
 *
 * <p>Memory stays bounded for a slow client by construction: the listener writes synchronously, so
 * a client that does not read blocks the write, which pauses the subscription, which then catches
 * up from storage when the client reads again. Nothing queues per event. A heartbeat comment keeps
 * idle connections open through proxies and detects dead clients; a write failure ends the
 * subscription. {@code caught-up} is sent as a named event (ignored by a plain {@code onmessage}
 * handler) when the backlog has been delivered.
 */
final class SseSession implements SubscriptionListener {
  private final HttpExchange exchange;
  private final String keyId;
  private final OutputStream out;
  private final CountDownLatch ended = new CountDownLatch(1);
  private final ReentrantLock writeLock = new ReentrantLock();
  private volatile Subscription subscription;
  private volatile Throwable endCause;

  private static final byte[] CAUGHT_UP_DATA = "{}".getBytes(StandardCharsets.US_ASCII);

  /** Sent early if a batch's frames grow past this; otherwise once per batch. */
  private static final int FLUSH_BYTES = 64 * 1024;

  private final ByteArrayOutputStream pending = new ByteArrayOutputStream(8192);

  /** Renders events; under {@link #writeLock}, so one thread at a time uses its state. */
  private final EventJson rendering = new EventJson();

  private boolean headersSent;

  SseSession(HttpExchange exchange, String keyId) {
    this.exchange = exchange;
    this.keyId = keyId;
    this.out = exchange.getResponseBody();
  }

  /**
   * Streams until the client goes away, the subscription ends, or {@link #end} is called. The
   * subscription is created (and so validated) before anything is sent: a bad request still gets a
   * problem response, not a 200 stream.
   */
  void run(AuthorizedStore store, SubscriptionRequest request, Duration heartbeat)
      throws InterruptedException {
    subscription = store.subscribe(request, this);
    try {
      write(SseFrames.RETRY);
      while (!ended.await(heartbeat.toMillis(), TimeUnit.MILLISECONDS)) {
        if (!store.stillValid()) {
          break; // the key expired (or was revoked) while the feed was open
        }
        try {
          write(SseFrames.HEARTBEAT);
        } catch (UncheckedIOException gone) {
          subscription.close();
        }
      }
    } finally {
      subscription.close(); // however this ends (even interrupted), the store stops delivering
    }
  }

  /** The id of the API key the session was opened with. */
  String keyId() {
    return keyId;
  }

  /** Ends the session from outside (server shutdown, or its key revoked). */
  void end() {
    Subscription running = subscription;
    if (running != null) {
      running.close();
    }
    ended.countDown();
  }

  Throwable endCause() {
    return endCause;
  }

  /**
   * Appends one frame to the buffer, built directly as bytes: {@code id:}, then the event JSON as
   * {@code data:} lines (a line break inside the JSON, possible in data stored through the embedded
   * API, starts a new {@code data:} line, which SSE joins back with a newline).
   */
  @Override
  public void onEvent(RecordedEvent event) {
    writeLock.lock();
    try {
      byte[] json = rendering.event(event);
      SseFrames.event(pending, event.position(), json);
      if (pending.size() >= FLUSH_BYTES) {
        flushPending();
      }
    } finally {
      writeLock.unlock();
    }
  }

  /** A batch is delivered: send what is buffered in one write. */
  @Override
  public void onBatchDelivered() {
    writeLock.lock();
    try {
      flushPending();
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public void onCaughtUp() {
    write(SseFrames.named(SseFrames.CAUGHT_UP, CAUGHT_UP_DATA));
  }

  @Override
  public void onClose(Throwable cause) {
    endCause = cause;
    if (cause != null
        && !(cause instanceof UncheckedIOException)
        && !(cause instanceof StoreClosedException)) {
      try {
        byte[] problem = Problems.render(cause).body();
        write(SseFrames.named(SseFrames.ERROR, problem));
      } catch (UncheckedIOException ignored) {
        // the client is gone; there is nobody to tell
      }
    }
    ended.countDown();
  }

  /** Buffers {@code bytes} after whatever is pending and sends it all now. */
  private void write(byte[] bytes) {
    writeLock.lock(); // a lock, not synchronized: virtual threads must not pin while blocked
    try {
      pending.writeBytes(bytes);
      flushPending();
    } finally {
      writeLock.unlock();
    }
  }

  /** Sends the pending bytes in one write. Called with the lock held. */
  private void flushPending() {
    try {
      if (!headersSent) {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.getResponseHeaders().set("X-Accel-Buffering", "no");
        exchange.sendResponseHeaders(200, 0);
        headersSent = true;
      }
      if (pending.size() > 0) {
        pending.writeTo(out);
        pending.reset();
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("the SSE client went away", e);
    }
  }

  void close() {
    exchange.close();
  }
}
