package dev.factum.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.factum.api.AppendRequest;
import dev.factum.api.AppendResult;
import dev.factum.api.Direction;
import dev.factum.api.EventStore;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.FactumException;
import dev.factum.api.ImportResult;
import dev.factum.api.LogFilter;
import dev.factum.api.MultiAppendResult;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StoreClosedException;
import dev.factum.api.StreamDeletedException;
import dev.factum.api.StreamNames;
import dev.factum.api.StreamState;
import dev.factum.api.SubscriptionRequest;
import dev.factum.engine.FactumStore;
import dev.factum.engine.spi.StreamHead;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The v1 HTTP API over a {@link FactumStore}: resolves each request to a {@link Route}, runs it,
 * and renders the result as JSON or any failure as a problem document. Every response is complete
 * before the exchange closes; nothing is written to the store before the request is fully parsed
 * and validated.
 */
final class ApiHandler implements HttpHandler {
  private static final int DEFAULT_LIMIT = 100;

  /** The caching headers of a page that can never change: a full forward page of the log. */
  static final String IMMUTABLE = "public, max-age=31536000, immutable";

  private final FactumStore store;
  private final ServerConfig config;
  private final WireFormat wire;
  private final Metrics metrics;
  private final byte[] openApi;
  private final Set<SseSession> sessions = ConcurrentHashMap.newKeySet();
  private volatile boolean shuttingDown;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final ReentrantLock idleLock = new ReentrantLock();
  private final Condition idle = idleLock.newCondition();

  ApiHandler(FactumStore store, ServerConfig config, Metrics metrics) {
    this.store = store;
    this.config = config;
    this.wire = new WireFormat(store.options().limits());
    this.metrics = metrics;
    this.openApi = loadOpenApi();
  }

  private static byte[] loadOpenApi() {
    try (InputStream in = ApiHandler.class.getResourceAsStream("openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the server jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void handle(HttpExchange exchange) {
    inFlight.incrementAndGet();
    Route route = null;
    int status = 500;
    try {
      Request request = new Request(exchange);
      String[] stream = new String[1];
      route = Route.resolve(request.method, request.segments, stream);
      request.onlyParams(route);
      status = dispatch(route, request, stream[0]);
    } catch (Throwable failure) {
      status = respondProblem(exchange, failure);
    } finally {
      if (route != null) {
        metrics.request(route, status);
      }
      exchange.close();
      if (inFlight.decrementAndGet() == 0) {
        idleLock.lock();
        try {
          idle.signalAll();
        } finally {
          idleLock.unlock();
        }
      }
    }
  }

  /** Waits until no exchange is being handled, or the grace period has passed. */
  void awaitIdle(Duration grace) {
    long left = grace.toNanos();
    idleLock.lock(); // a lock, not synchronized: virtual threads must not pin while waiting
    try {
      while (inFlight.get() > 0 && left > 0) {
        left = idle.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      idleLock.unlock();
    }
  }

  private int dispatch(Route route, Request request, String stream) throws Exception {
    return switch (route) {
      case APPEND -> append(request, stream);
      case READ_STREAM -> readStream(request, stream);
      case DELETE_STREAM -> delete(request, stream);
      case STREAM_STATE -> streamState(request, stream);
      case STREAM_EVENTS -> streamEvents(request, stream);
      case READ_ALL -> readAll(request);
      case ALL_EVENTS -> allEvents(request);
      case MULTI_APPEND -> multiAppend(request);
      case IMPORT -> importEvents(request);
      case LIVE -> json(request.exchange, 200, json -> json.writeStringField("status", "up"));
      case READY -> ready(request);
      case METRICS ->
          raw(
              request.exchange,
              200,
              "text/plain; version=0.0.4; charset=utf-8",
              metrics.render().getBytes(StandardCharsets.UTF_8));
      case OPENAPI -> raw(request.exchange, 200, "application/json", openApi);
      case ROOT ->
          json(
              request.exchange,
              200,
              json -> {
                json.writeStringField("name", "Factum");
                json.writeStringField("api", "v1");
                json.writeStringField("openapi", "/openapi.json");
                json.writeNumberField("headPosition", store.headPosition());
              });
    };
  }

  private int append(Request request, String stream) throws IOException {
    byte[] body = request.jsonBody(config.maxRequestBytes());
    AppendRequest append = wire.parseAppend(stream, body);
    long started = System.nanoTime();
    AppendResult result;
    try {
      result = store.append(append);
    } catch (FactumException e) {
      metrics.appended(e.code().id(), 0, System.nanoTime() - started);
      throw e;
    }
    metrics.appended("ok", append.events().size(), System.nanoTime() - started);
    return json(request.exchange, 200, json -> writeResult(json, result));
  }

  private int multiAppend(Request request) throws IOException {
    byte[] body = request.jsonBody(config.maxRequestBytes());
    List<AppendRequest> parts = wire.parseMultiAppend(body);
    long started = System.nanoTime();
    MultiAppendResult result;
    try {
      result = store.appendAll(parts);
    } catch (FactumException e) {
      metrics.appended(e.code().id(), 0, System.nanoTime() - started);
      throw e;
    }
    int events = parts.stream().mapToInt(p -> p.events().size()).sum();
    metrics.appended("ok", events, System.nanoTime() - started);
    return json(
        request.exchange,
        200,
        json -> {
          json.writeArrayFieldStart("results");
          for (AppendResult part : result.results()) {
            json.writeStartObject();
            json.writeStringField("stream", part.stream());
            writeResult(json, part);
            json.writeEndObject();
          }
          json.writeEndArray();
        });
  }

  private int importEvents(Request request) throws IOException {
    byte[] body = request.jsonBody(config.maxRequestBytes());
    List<RecordedEvent> events = wire.parseImport(body);
    long started = System.nanoTime();
    ImportResult result;
    try {
      result = store.importEvents(events);
    } catch (FactumException e) {
      metrics.appended(e.code().id(), 0, System.nanoTime() - started);
      throw e;
    }
    metrics.appended("ok", events.size(), System.nanoTime() - started);
    return json(
        request.exchange,
        200,
        json -> {
          json.writeNumberField("events", result.events());
          json.writeNumberField("firstPosition", result.firstPosition());
          json.writeNumberField("position", result.lastPosition());
        });
  }

  private static void writeResult(JsonGenerator json, AppendResult result) throws IOException {
    json.writeNumberField("firstRevision", result.firstRevision());
    json.writeNumberField("nextExpectedRevision", result.nextExpectedRevision());
    json.writeNumberField("firstPosition", result.firstPosition());
    json.writeNumberField("position", result.lastPosition());
  }

  private int readStream(Request request, String stream) throws IOException {
    Direction direction = direction(request);
    long from = from(request, direction);
    int limit = limit(request);
    long started = System.nanoTime();
    ReadPage page = store.readStream(stream, from, direction, limit);
    metrics.read(Metrics.ReadKind.STREAM, System.nanoTime() - started);
    String next =
        page.endOfRead()
            ? null
            : "/streams/"
                + StreamNames.urlEncode(stream)
                + "?from="
                + page.next()
                + "&direction="
                + direction.name().toLowerCase(Locale.ROOT)
                + "&limit="
                + limit;
    return json(request.exchange, 200, json -> writePage(json, page, next));
  }

  private int readAll(Request request) throws IOException, InterruptedException {
    Direction direction = direction(request);
    long from = from(request, direction);
    int limit = limit(request);
    LogFilter filter = filter(request);
    long wait = request.longParam("wait", 0, 0, config.maxLongPoll().toSeconds());
    long started = System.nanoTime();
    ReadPage page = store.readAll(from, direction, limit, filter);
    metrics.read(
        filter.isNone() ? Metrics.ReadKind.LOG : Metrics.ReadKind.FILTERED_LOG,
        System.nanoTime() - started);
    if (wait > 0 && direction == Direction.FORWARD && page.isEmpty()) {
      long deadline = System.nanoTime() + Duration.ofSeconds(wait).toNanos();
      while (page.isEmpty() && !shuttingDown) {
        long left = deadline - System.nanoTime();
        if (left <= 0
            || !store.awaitHeadBeyond(
                page.next() - 1, Duration.ofNanos(Math.min(left, 1_000_000_000L)))) {
          if (System.nanoTime() >= deadline) {
            break;
          }
          continue;
        }
        page = store.readAll(page.next(), direction, limit, filter);
      }
    }
    ReadPage result = page;
    if (direction == Direction.FORWARD && !result.endOfRead()) {
      // A full forward page: every position it covers is at or below the head, and the log below
      // the head never changes, so this URL will always answer these events and this next link.
      String etag =
          "W/\"log-"
              + result.events().getFirst().position()
              + "-"
              + result.events().getLast().position()
              + "\"";
      request.exchange.getResponseHeaders().set("Cache-Control", IMMUTABLE);
      request.exchange.getResponseHeaders().set("ETag", etag);
      if (etag.equals(request.header("If-None-Match"))) {
        request.exchange.sendResponseHeaders(304, -1);
        return 304;
      }
    }
    String next = null;
    if (direction == Direction.FORWARD || !result.endOfRead()) {
      next =
          "/all?from="
              + result.next()
              + "&direction="
              + direction.name().toLowerCase(Locale.ROOT)
              + "&limit="
              + limit
              + filterQuery(filter);
    }
    String link = next;
    return json(request.exchange, 200, json -> writePage(json, result, link));
  }

  private void writePage(JsonGenerator json, ReadPage page, String next) throws IOException {
    json.writeArrayFieldStart("events");
    for (RecordedEvent event : page.events()) {
      WireFormat.writeEvent(json, event);
    }
    json.writeEndArray();
    if (next == null) {
      json.writeNullField("next");
    } else {
      json.writeStringField("next", next);
    }
    json.writeBooleanField("endOfRead", page.endOfRead());
    json.writeNumberField("headPosition", store.headPosition());
  }

  private int delete(Request request, String stream) throws IOException {
    String expected = request.param("expectedRevision");
    if (expected == null) {
      throw HttpProblem.badRequest(
          "query parameter 'expectedRevision' is required: a revision, any, no_stream or exists");
    }
    boolean tombstone = bool(request, "tombstone");
    ExpectedRevision revision = ExpectedRevision.parse(expected);
    StreamState state =
        tombstone ? store.tombstone(stream, revision) : store.delete(stream, revision);
    return json(request.exchange, 200, json -> writeState(json, state));
  }

  private int streamState(Request request, String stream) throws IOException {
    StreamHead head = store.streamHead(stream);
    StreamState state = new StreamState(stream, head.status(), head.lastRevision());
    return json(
        request.exchange,
        200,
        json -> {
          writeState(json, state);
          json.writeNumberField("firstVisibleRevision", head.firstVisibleRevision());
          if (head.lastPosition() < 0) {
            json.writeNullField("lastPosition");
          } else {
            json.writeNumberField("lastPosition", head.lastPosition());
          }
        });
  }

  private static void writeState(JsonGenerator json, StreamState state) throws IOException {
    json.writeStringField("stream", state.stream());
    json.writeStringField("status", state.status().name().toLowerCase(Locale.ROOT));
    if (state.lastRevision() < 0) {
      json.writeNullField("lastRevision");
    } else {
      json.writeNumberField("lastRevision", state.lastRevision());
    }
  }

  private int ready(Request request) throws IOException {
    if (store.isStopped() || shuttingDown) {
      return json(request.exchange, 503, json -> json.writeStringField("status", "down"));
    }
    try {
      store.headPosition(); // for a shared storage (PostgreSQL) this asks the database
    } catch (FactumException unavailable) {
      return json(
          request.exchange,
          503,
          json -> {
            json.writeStringField("status", "down");
            json.writeStringField("reason", unavailable.getMessage());
          });
    }
    return json(request.exchange, 200, json -> json.writeStringField("status", "ready"));
  }

  private int streamEvents(Request request, String stream) throws Exception {
    // A feed that can never deliver is refused before the stream starts: a 200 followed by an
    // error event would make a browser's EventSource reconnect to it every second, for ever.
    if (store.streamState(stream).status() == StreamState.Status.TOMBSTONED) {
      throw new StreamDeletedException(stream);
    }
    long from = subscriptionFrom(request);
    String lastEventId = lastEventId(request);
    if (lastEventId != null) {
      from = revisionAfterPosition(stream, parsePosition(lastEventId));
    }
    return sse(request, new SubscriptionRequest(stream, LogFilter.none(), from));
  }

  private int allEvents(Request request) throws Exception {
    long from = subscriptionFrom(request);
    String lastEventId = lastEventId(request);
    if (lastEventId != null) {
      from = parsePosition(lastEventId) + 1;
    }
    return sse(request, new SubscriptionRequest(null, filter(request), from));
  }

  /** {@code from=N}, or {@code from=end} for only what is appended after the feed starts. */
  private static long subscriptionFrom(Request request) {
    return "end".equals(request.param("from"))
        ? SubscriptionRequest.END
        : request.longParam("from", 0, 0, Long.MAX_VALUE - 1);
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
  private long revisionAfterPosition(String stream, long position) {
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

  private int sse(Request request, SubscriptionRequest subscription) throws Exception {
    SseSession session = new SseSession(request.exchange);
    // Registered before the check, so that a shutdown starting in between still ends it.
    sessions.add(session);
    metrics.sseOpened();
    try {
      if (shuttingDown) {
        throw new StoreClosedException("the server is shutting down");
      }
      session.run(store, subscription, config.heartbeat());
    } finally {
      sessions.remove(session);
      metrics.sseClosed();
    }
    return 200;
  }

  /** Ends every open SSE connection and lets long polls return; new ones are refused. */
  void shutdown() {
    shuttingDown = true;
    for (SseSession session : sessions) {
      session.end();
    }
  }

  private static Direction direction(Request request) {
    String value = request.param("direction");
    if (value == null || value.equals("forward")) {
      return Direction.FORWARD;
    }
    if (value.equals("backward")) {
      return Direction.BACKWARD;
    }
    throw HttpProblem.badRequest("'direction' must be forward or backward, was '" + value + "'");
  }

  private static long from(Request request, Direction direction) {
    String value = request.param("from");
    if (value == null) {
      return direction == Direction.FORWARD ? 0 : EventStore.END;
    }
    if (value.equals("end")) {
      return EventStore.END;
    }
    return request.longParam("from", 0, 0, Long.MAX_VALUE - 1);
  }

  private int limit(Request request) {
    return (int)
        request.longParam("limit", DEFAULT_LIMIT, 1, store.options().limits().maxReadLimit());
  }

  private static boolean bool(Request request, String name) {
    String value = request.param(name);
    if (value == null || value.equals("false")) {
      return false;
    }
    if (value.equals("true")) {
      return true;
    }
    throw HttpProblem.badRequest("'" + name + "' must be true or false, was '" + value + "'");
  }

  private static LogFilter filter(Request request) {
    List<String> categories = request.params("category");
    List<String> types = request.params("type");
    List<String> tags = request.params("tag");
    int kinds =
        (categories.isEmpty() ? 0 : 1) + (types.isEmpty() ? 0 : 1) + (tags.isEmpty() ? 0 : 1);
    if (kinds > 1) {
      throw HttpProblem.badRequest("filter by one of category, type or tag (each may repeat)");
    }
    if (!categories.isEmpty()) {
      return LogFilter.categories(categories.toArray(String[]::new));
    }
    if (!types.isEmpty()) {
      return LogFilter.types(types.toArray(String[]::new));
    }
    if (!tags.isEmpty()) {
      return LogFilter.tags(tags.toArray(String[]::new));
    }
    return LogFilter.none();
  }

  private static String filterQuery(LogFilter filter) {
    if (filter.isNone()) {
      return "";
    }
    String name =
        switch (filter.kind()) {
          case CATEGORY -> "category";
          case TYPE -> "type";
          case TAG -> "tag";
          case NONE -> "";
        };
    StringBuilder query = new StringBuilder();
    for (String value : filter.values().stream().sorted().toList()) {
      query.append('&').append(name).append('=').append(StreamNames.urlEncode(value));
    }
    return query.toString();
  }

  /** Writes the fields of one JSON object. */
  @FunctionalInterface
  private interface ObjectWriter {
    void write(JsonGenerator json) throws IOException;
  }

  private static int json(HttpExchange exchange, int status, ObjectWriter writer)
      throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);
    try (JsonGenerator json = WireFormat.generator(buffer)) {
      json.writeStartObject();
      writer.write(json);
      json.writeEndObject();
    }
    return raw(exchange, status, "application/json", buffer.toByteArray());
  }

  private static int raw(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    if (!exchange.getResponseHeaders().containsKey("Cache-Control")) {
      // Only a page that can never change says otherwise (see readAll); everything else is live.
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
    }
    body = Compression.encode(exchange, body);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
    return status;
  }

  private static int respondProblem(HttpExchange exchange, Throwable failure) {
    Problems.Rendered problem = Problems.render(failure);
    try {
      // A failure after a page was found cacheable must not inherit its caching headers.
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.getResponseHeaders().remove("ETag");
      if (problem.retryAfterSeconds() > 0) {
        exchange
            .getResponseHeaders()
            .set("Retry-After", Integer.toString(problem.retryAfterSeconds()));
      }
      raw(exchange, problem.status(), Problems.CONTENT_TYPE, problem.body());
    } catch (IOException | RuntimeException ignored) {
      // headers were already sent (a streaming response failed) or the client is gone
    }
    return problem.status();
  }
}
