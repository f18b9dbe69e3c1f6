package dev.factum.server;

import dev.factum.api.Direction;
import dev.factum.api.LogFilter;
import dev.factum.api.ReadPage;
import dev.factum.wire.Urls;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;

/**
 * {@code GET /all}: the global log a page at a time, optionally filtered, optionally long-polling
 * ({@code wait}) for the first event past the head.
 *
 * <p>A full forward page is immutable (every position it covers is at or below the head, and the
 * log below the head never changes), so it is served with an ETag and long-lived caching headers.
 */
final class LogResource implements Resource {
  private static final int DEFAULT_LIMIT = 100;

  private final ServerConfig config;
  private final Metrics metrics;
  private final Lifecycle lifecycle;

  LogResource(ServerConfig config, Metrics metrics, Lifecycle lifecycle) {
    this.config = config;
    this.metrics = metrics;
    this.lifecycle = lifecycle;
  }

  @Override
  public Set<Route> routes() {
    return Set.of(Route.READ_ALL);
  }

  /**
   * {@code limit}: the page size. The store checks it against its {@code maxReadLimit} (413 {@code
   * limit-exceeded} beyond), so only its syntax is checked here.
   */
  static int limit(Request request) {
    return (int) request.longParam("limit", DEFAULT_LIMIT, 1, Integer.MAX_VALUE);
  }

  @Override
  public int handle(Request request, Route.Match match) throws IOException, InterruptedException {
    AuthorizedStore store = request.store();
    Direction direction = request.direction();
    long from = request.from(direction);
    int limit = limit(request);
    LogFilter filter = request.filter();
    long wait = request.longParam("wait", 0, 0, config.maxLongPoll().toSeconds());
    long started = System.nanoTime();
    ReadPage page = store.readAll(from, direction, limit, filter);
    metrics.read(
        filter.isNone() ? Metrics.ReadKind.LOG : Metrics.ReadKind.FILTERED_LOG,
        System.nanoTime() - started);
    if (wait > 0 && direction == Direction.FORWARD && page.isEmpty()) {
      page = awaitEvents(store, page, Duration.ofSeconds(wait), limit, filter);
    }
    ReadPage result = page;
    if (direction == Direction.FORWARD && !result.endOfRead() && !result.isEmpty()) {
      String etag =
          "W/\"log-"
              + result.events().getFirst().position()
              + "-"
              + result.events().getLast().position()
              + "\"";
      if (Responses.immutable(request, etag)) {
        return 304;
      }
    }
    String next = null;
    if (direction == Direction.FORWARD || !result.endOfRead()) {
      next = Urls.readAll(result.next(), direction, limit, filter);
    }
    String link = next;
    long head = store.headPosition();
    return Responses.json(request.exchange, 200, new EventJson().page(result, link, head));
  }

  /** Long poll: re-reads each time the head moves, until events come, time is up or shutdown. */
  private ReadPage awaitEvents(
      AuthorizedStore store, ReadPage page, Duration wait, int limit, LogFilter filter)
      throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (page.isEmpty() && !lifecycle.shuttingDown()) {
      long left = deadline - System.nanoTime();
      if (left <= 0
          || !store.awaitHeadBeyond(
              page.next() - 1, Duration.ofNanos(Math.min(left, 1_000_000_000L)))) {
        if (System.nanoTime() >= deadline) {
          break;
        }
        continue;
      }
      page = store.readAll(page.next(), Direction.FORWARD, limit, filter);
    }
    return page;
  }
}
