package dev.factum.client;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * One open {@code text/event-stream} response, read by the subscription's (or feed's) own thread on
 * a connection of the client's own ({@link HttpTransport#openEventStream}), never one of the
 * pool's.
 *
 * <p>Design note: the reader reads only when it asks for more ({@link #next}), so a slow listener
 * stops the reads, TCP pushes back, and the server's subscription pauses: nothing piles up in the
 * client. Each {@link #next} hands over everything the connection has buffered (often many chunks,
 * a whole catch-up batch of the server's) and otherwise waits for one read, at most the idle
 * timeout, which is how a connection that went silent (no events, no heartbeats) is detected.
 * {@link #cancel} closes the socket from any thread, which wakes the reader without interrupting it
 * (an interrupt could land in the listener's own code).
 *
 * <p>Why not {@code java.net.http} (which it replaces): there its selector thread read the body and
 * handed every piece to the reader's thread through a queue, a hand-off and a wake-up per piece,
 * one piece at a time.
 */
final class SseConnection {
  /** The body ended normally (the server closed the stream). */
  static final Object END = new Object();

  /** The connection was cancelled by the client. */
  static final Object CANCELLED = new Object();

  /** The body failed (a broken connection). */
  record Failed(Throwable cause) {}

  private volatile boolean cancelled;
  private volatile Http1Connection connection;

  /**
   * Sends the request and waits for the response head. Returns normally only for a 200 event
   * stream; anything else throws the exception it maps to.
   *
   * @param lastEventId the position to resume after ({@code Last-Event-ID}), or -1
   * @param stream the subscribed stream, or null (for error mapping)
   */
  void open(
      HttpTransport transport,
      String pathAndQuery,
      long lastEventId,
      Duration headerTimeout,
      String stream) {
    if (cancelled) {
      throw new OutcomeUnknownException("GET " + pathAndQuery + " was cancelled", null);
    }
    connection = transport.openEventStream(pathAndQuery, lastEventId, headerTimeout, stream);
    if (cancelled) {
      connection.close(); // a cancel that crossed the opening
      throw new OutcomeUnknownException("GET " + pathAndQuery + " was cancelled", null);
    }
  }

  /**
   * The next bytes ({@code byte[]}), {@link #END}, {@link #CANCELLED} or {@link Failed}; null when
   * nothing arrived within {@code idle}.
   */
  Object next(Duration idle) throws InterruptedException {
    Http1Connection open = connection;
    if (cancelled || open == null) {
      return CANCELLED;
    }
    try {
      byte[] bytes = open.streamed(System.nanoTime() + idle.toNanos());
      return bytes != null ? bytes : END;
    } catch (SocketTimeoutException silent) {
      return null;
    } catch (IOException | RuntimeException e) {
      if (cancelled) {
        return CANCELLED;
      }
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted while reading the event stream");
      }
      return new Failed(e);
    }
  }

  /** Closes the connection from any thread and wakes its reader. Idempotent. */
  void cancel() {
    cancelled = true;
    Http1Connection open = connection;
    if (open != null) {
      open.close();
    }
  }
}
