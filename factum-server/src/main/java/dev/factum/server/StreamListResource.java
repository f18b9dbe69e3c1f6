package dev.factum.server;

import dev.factum.api.StreamPage;
import dev.factum.api.StreamQuery;
import dev.factum.wire.StreamPageJson;
import java.io.IOException;
import java.util.Set;

/**
 * {@code GET /streams?prefix=&category=&after=&limit=&system=}: a page of the stream listing, as
 * the key may see it ({@link AuthorizedStore#listStreams}). The limit defaults to 100; bad values
 * are refused by the store ({@code invalid-request}, {@code limit-exceeded}).
 */
final class StreamListResource implements Resource {
  static final int DEFAULT_LIMIT = 100;

  @Override
  public Set<Route> routes() {
    return Set.of(Route.LIST_STREAMS);
  }

  @Override
  public int handle(Request request, Route.Match match) throws IOException {
    StreamQuery query =
        new StreamQuery(
            request.param("prefix"),
            request.param("category"),
            request.param("after"),
            (int) request.longParam("limit", DEFAULT_LIMIT, 1, Integer.MAX_VALUE),
            request.bool("system"));
    StreamPage page = request.store().listStreams(query);
    return Responses.json(request.exchange, 200, json -> StreamPageJson.write(json, page, query));
  }
}
