package dev.factum.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.StreamMetadata;
import dev.factum.api.VersionedStreamMetadata;
import dev.factum.wire.StreamMetadataJson;
import java.io.IOException;
import java.util.Set;

/**
 * {@code GET} and {@code PUT /streams/{stream}/metadata}: a stream's metadata and its retention
 * (docs/LIFECYCLE.md, docs/HTTP.md).
 *
 * <p>What must stay true: the {@code PUT} body is read whole and strictly ({@link
 * StreamMetadataJson}: unknown members and values out of range are {@code invalid-request}) before
 * the store is called, so a bad body writes nothing; reading needs read access to the stream and
 * writing needs write access ({@link AuthorizedStore}).
 */
final class StreamMetadataResource implements Resource {
  private final ServerConfig config;

  StreamMetadataResource(ServerConfig config) {
    this.config = config;
  }

  @Override
  public Set<Route> routes() {
    return Set.of(Route.STREAM_METADATA, Route.STREAM_SET_METADATA);
  }

  @Override
  public int handle(Request request, Route.Match match) throws IOException {
    String stream = match.stream();
    if (match.route() == Route.STREAM_METADATA) {
      VersionedStreamMetadata metadata = request.store().streamMetadata(stream);
      return Responses.json(
          request.exchange, 200, json -> StreamMetadataJson.write(json, metadata));
    }
    ObjectNode body = WireFormat.parseObject(request.jsonBody(config.maxRequestBytes()));
    ExpectedRevision expected = StreamMetadataJson.readExpected(body);
    StreamMetadata metadata = StreamMetadataJson.readPutSettings(body);
    long revision = request.store().setStreamMetadata(stream, expected, metadata);
    return Responses.json(
        request.exchange, 200, json -> StreamMetadataJson.writeSetResult(json, stream, revision));
  }
}
