package dev.factum.server;

import dev.factum.api.Direction;
import dev.factum.api.LogFilter;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamDeletedException;
import dev.factum.api.StreamState;
import dev.factum.api.SubscriptionRequest;
import java.util.List;
import java.util.Set;

/**
 * {@code /streams/{stream}/events} and {@code /all/events}: live feeds as Server-Sent Events,
 * resumable from {@code Last-Event-ID} (a global position). Each feed is a {@link SseSession}
 * registered with the {@link Lifecycle}, so a shutdown ends it.
 */
final class SubscriptionResource implements Resource {
  private final ServerConfig config;
  private final Metrics metrics;
  private final Lifecycle lifecycle;

  SubscriptionResource(ServerConfig config, Metrics metrics, Lifecycle lifecycle) {
    this.config = config;
    this.metrics = metrics;
    this.lifecycle = lifecycle;
  }

  @Override
  public Set<Route> routes() {
    return Set.of(Route.STREAM_EVENTS, Route.ALL_EVENTS);
  }

  @Override
  public int handle(Request request, Route.Match match) throws Exception {
    AuthorizedStore store = request.store();
    SubscriptionRequest subscription =
        switch (match.route()) {
          case STREAM_EVENTS -> streamFeed(store, request, match.stream());
          case ALL_EVENTS -> logFeed(request);
          default -> throw new IllegalArgumentException(match.route().name());
        };
    SseSession session = new SseSession(request.exchange, store.principal().keyId());
    lifecycle.run(session, metrics, () -> session.run(store, subscription, config.heartbeat()));
    return 200;
  }

  private static SubscriptionRequest streamFeed(
      AuthorizedStore store, Request request, String stream) {
    // A feed that can never deliver is refused before the stream starts: a 200 followed by an
    // error event would make a browser's EventSource reconnect to it every second, for ever.
    if (store.streamState(stream).status() == StreamState.Status.TOMBSTONED) {
      throw new StreamDeletedException(stream);
    }
    long from = request.subscriptionFrom();
    String lastEventId = lastEventId(request);
    if (lastEventId != null) {
      from = revisionAfterPosition(store, stream, parsePosition(lastEventId));
    }
    return new SubscriptionRequest(stream, LogFilter.none(), from);
  }

  private static SubscriptionRequest logFeed(Request request) {
    long from = request.subscriptionFrom();
    String lastEventId = lastEventId(request);
    if (lastEventId != null) {
      from = parsePosition(lastEventId) + 1;
    }
    return new SubscriptionRequest(null, request.filter(), from);
  }

  private static String lastEventId(Request request) {
    String header = request.header("Last-Event-ID");
    return header == null || header.isBlank() ? null : header.trim();
  }

  static long parsePosition(String id) {
    // ASCII digits only: Character.isDigit would also let other scripts' digits through.
    if (id.isEmpty() || id.length() > 18 || !id.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw HttpProblem.badRequest("Last-Event-ID must be an event position, was '" + id + "'");
    }
    return Long.parseLong(id);
  }

  /** A stream resumes after the event at a global position: find that event's revision. */
  private static long revisionAfterPosition(AuthorizedStore store, String stream, long position) {
    List<RecordedEvent> at =
        store.readAll(position, Direction.FORWARD, 1, LogFilter.none()).events();
    if (at.isEmpty()
        || at.getFirst().position() != position
        || !at.getFirst().stream().equals(stream)) {
      throw HttpProblem.badRequest(
          "Last-Event-ID "
              + position
              + " is not the position of an event of stream '"
              + stream
              + "'");
    }
    return at.getFirst().revision() + 1;
  }
}
