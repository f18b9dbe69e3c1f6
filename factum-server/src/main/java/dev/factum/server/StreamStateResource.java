package dev.factum.server;

import dev.factum.api.StreamState;
import dev.factum.engine.spi.StreamHead;
import dev.factum.wire.StreamStateJson;
import java.io.IOException;
import java.util.Set;

/** {@code GET /streams/{stream}/state}: a stream's status, revisions and last position. */
final class StreamStateResource implements Resource {

  @Override
  public Set<Route> routes() {
    return Set.of(Route.STREAM_STATE);
  }

  @Override
  public int handle(Request request, Route.Match match) throws IOException {
    StreamHead head = request.store().streamHead(match.stream());
    StreamState state = new StreamState(match.stream(), head.status(), head.lastRevision());
    return Responses.json(
        request.exchange,
        200,
        json -> {
          StreamStateJson.write(json, state);
          json.writeNumberField("firstVisibleRevision", head.firstVisibleRevision());
          if (head.lastPosition() < 0) {
            json.writeNullField("lastPosition");
          } else {
            json.writeNumberField("lastPosition", head.lastPosition());
          }
        });
  }
}
