package dev.factum.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.FactumException;
import dev.factum.wire.SseParser;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One open Server-Sent Events connection, read event by event as the server wrote them ({@link
 * JsonApi#feed}). Heartbeats and {@code caught-up} frames are skipped; an {@code error} frame is
 * thrown as the exception its problem maps to (as {@link FactumClient} maps responses).
 *
 * <p>What must stay true: {@link #next} hands over each event's {@code data:} text unchanged, in
 * the order sent; a connection that stays silent longer than the client's subscription idle timeout
 * (no event, no heartbeat) is taken for dead and fails, never blocks for ever.
 */
public final class EventFeed implements AutoCloseable {
  private final SseConnection connection;
  private final Duration idleTimeout;
  private final String stream;
  private final SseParser parser = new SseParser();
  private final Deque<String> ready = new ArrayDeque<>();
  private boolean ended;
  private FactumException failure;

  EventFeed(SseConnection connection, Duration idleTimeout, String stream) {
    this.connection = connection;
    this.idleTimeout = idleTimeout;
    this.stream = stream;
  }

  /**
   * The next event's JSON, waiting for it; null once the server has ended the stream.
   *
   * @throws FactumException the server's {@code error} event, a broken or silent connection
   */
  public String next() throws InterruptedException {
    while (ready.isEmpty()) {
      if (failure != null) {
        throw failure;
      }
      if (ended) {
        return null;
      }
      Object chunk = connection.next(idleTimeout);
      if (chunk == null) {
        connection.cancel();
        throw new OutcomeUnknownException(
            "the event stream was silent for " + idleTimeout + " (no event, no heartbeat)", null);
      }
      if (chunk instanceof SseConnection.Failed failed) {
        throw HttpTransport.transportFailure("GET", "the event stream", failed.cause());
      }
      if (!(chunk instanceof byte[] bytes)) {
        ended = true;
        continue;
      }
      try {
        for (SseParser.Frame frame : parser.feed(bytes)) {
          take(frame);
        }
      } catch (IllegalStateException oversized) {
        connection.cancel();
        failure = new UnexpectedResponseException(200, oversized.getMessage(), null);
      }
    }
    return ready.poll();
  }

  /** Events after an {@code error} frame are not taken: the server ends the stream with it. */
  private void take(SseParser.Frame frame) {
    if (failure != null) {
      return;
    }
    if (frame.event() == null || frame.event().equals("message")) {
      if (!frame.data().isEmpty()) {
        ready.add(frame.data());
      }
    } else if (frame.event().equals("error")) {
      connection.cancel();
      ended = true;
      try {
        JsonNode problem = WireCodec.parse(frame.data().getBytes(StandardCharsets.UTF_8));
        failure =
            ProblemMapper.fromProblem(problem, problem.path("status").asInt(500), null, stream);
      } catch (UncheckedIOException e) {
        failure =
            new UnexpectedResponseException(200, "an unreadable error event: " + frame.data(), e);
      }
    }
  }

  /** Closes the connection. Idempotent. */
  @Override
  public void close() {
    connection.cancel();
  }
}
