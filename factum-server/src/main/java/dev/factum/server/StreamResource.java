package dev.factum.server;

import dev.factum.api.AppendRequest;
import dev.factum.api.AppendResult;
import dev.factum.api.Direction;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.ReadPage;
import dev.factum.api.StreamState;
import dev.factum.wire.AppendResultJson;
import dev.factum.wire.StreamStateJson;
import dev.factum.wire.Urls;
import java.io.IOException;
import java.util.Set;

/**
 * {@code /streams/{stream}}: append to a stream, read it a page at a time, delete or tombstone it.
 * Nothing is written before the body is fully parsed and validated.
 */
final class StreamResource implements Resource {
  private final ServerConfig config;
  private final WireFormat wire;
  private final Metrics metrics;

  StreamResource(ServerConfig config, WireFormat wire, Metrics metrics) {
    this.config = config;
    this.wire = wire;
    this.metrics = metrics;
  }

  @Override
  public Set<Route> routes() {
    return Set.of(Route.APPEND, Route.READ_STREAM, Route.DELETE_STREAM);
  }

  @Override
  public int handle(Request request, Route.Match match) throws IOException {
    return switch (match.route()) {
      case APPEND -> append(request, match.stream());
      case READ_STREAM -> read(request, match.stream());
      case DELETE_STREAM -> delete(request, match.stream());
      default -> throw new IllegalArgumentException(match.route().name());
    };
  }

  private int append(Request request, String stream) throws IOException {
    AppendRequest append = wire.parseAppend(stream, request.jsonBody(config.maxRequestBytes()));
    AuthorizedStore store = request.store();
    AppendResult result = metrics.timeWrite(append.events().size(), () -> store.append(append));
    return Responses.json(request.exchange, 200, json -> AppendResultJson.write(json, result));
  }

  private int read(Request request, String stream) throws IOException {
    AuthorizedStore store = request.store();
    Direction direction = request.direction();
    long from = request.from(direction);
    int limit = LogResource.limit(request);
    long started = System.nanoTime();
    ReadPage page = store.readStream(stream, from, direction, limit);
    metrics.read(Metrics.ReadKind.STREAM, System.nanoTime() - started);
    String next = page.endOfRead() ? null : Urls.readStream(stream, page.next(), direction, limit);
    long head = store.headPosition();
    return Responses.json(request.exchange, 200, new EventJson().page(page, next, head));
  }

  private int delete(Request request, String stream) throws IOException {
    String expected = request.param("expectedRevision");
    if (expected == null) {
      throw HttpProblem.badRequest(
          "query parameter 'expectedRevision' is required: a revision, any, no_stream or exists");
    }
    boolean tombstone = request.bool("tombstone");
    ExpectedRevision revision = ExpectedRevision.parse(expected);
    AuthorizedStore store = request.store();
    StreamState state =
        tombstone ? store.tombstone(stream, revision) : store.delete(stream, revision);
    return Responses.json(request.exchange, 200, json -> StreamStateJson.write(json, state));
  }
}
