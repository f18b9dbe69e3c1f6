package dev.factum.server;

import dev.factum.api.AppendRequest;
import dev.factum.api.ImportResult;
import dev.factum.api.MultiAppendResult;
import dev.factum.api.RecordedEvent;
import dev.factum.wire.AppendResultJson;
import dev.factum.wire.ImportResultJson;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /append} (several streams, all or nothing) and {@code POST /import} (recorded events
 * kept as they were: ids, revisions, timestamps and deletions).
 */
final class AppendAllResource implements Resource {
  private final ServerConfig config;
  private final WireFormat wire;
  private final Metrics metrics;

  AppendAllResource(ServerConfig config, WireFormat wire, Metrics metrics) {
    this.config = config;
    this.wire = wire;
    this.metrics = metrics;
  }

  @Override
  public Set<Route> routes() {
    return Set.of(Route.MULTI_APPEND, Route.IMPORT);
  }

  @Override
  public int handle(Request request, Route.Match match) throws IOException {
    return switch (match.route()) {
      case MULTI_APPEND -> appendAll(request);
      case IMPORT -> importEvents(request);
      default -> throw new IllegalArgumentException(match.route().name());
    };
  }

  private int appendAll(Request request) throws IOException {
    List<AppendRequest> parts = wire.parseMultiAppend(request.jsonBody(config.maxRequestBytes()));
    int events = parts.stream().mapToInt(p -> p.events().size()).sum();
    AuthorizedStore store = request.store();
    MultiAppendResult result = metrics.timeWrite(events, () -> store.appendAll(parts));
    return Responses.json(request.exchange, 200, json -> AppendResultJson.writeAll(json, result));
  }

  private int importEvents(Request request) throws IOException {
    List<RecordedEvent> events = wire.parseImport(request.jsonBody(config.maxRequestBytes()));
    AuthorizedStore store = request.store();
    ImportResult result = metrics.timeWrite(events.size(), () -> store.importEvents(events));
    return Responses.json(request.exchange, 200, json -> ImportResultJson.write(json, result));
  }
}
