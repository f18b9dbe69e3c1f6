package dev.factum.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.api.snapshots.Snapshot;
import dev.factum.wire.SnapshotJson;
import java.io.IOException;
import java.util.Base64;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET} and {@code PUT /streams/{stream}/snapshot}: a stream's snapshot (docs/LIFECYCLE.md).
 *
 * <p>What must stay true: the {@code PUT} body is read whole and strictly (exactly {@code
 * revision}, {@code schemaVersion} and {@code data}, base64) before the store is called, so a bad
 * body writes nothing; {@code GET} answers 204 when the stream has no snapshot it may serve (none
 * saved, or one from before a delete), never a stale one.
 */
final class SnapshotResource implements Resource {
  private static final Set<String> FIELDS = Set.of("revision", "schemaVersion", "data");

  private final ServerConfig config;

  SnapshotResource(ServerConfig config) {
    this.config = config;
  }

  @Override
  public Set<Route> routes() {
    return Set.of(Route.STREAM_SNAPSHOT, Route.STREAM_SAVE_SNAPSHOT);
  }

  @Override
  public int handle(Request request, Route.Match match) throws IOException {
    if (match.route() == Route.STREAM_SNAPSHOT) {
      Optional<Snapshot> snapshot = request.store().loadSnapshot(match.stream());
      if (snapshot.isEmpty()) {
        return Responses.raw(request.exchange, 204, "application/json", new byte[0]);
      }
      return Responses.json(
          request.exchange, 200, json -> SnapshotJson.write(json, snapshot.get()));
    }
    Snapshot snapshot =
        parse(match.stream(), WireFormat.parseObject(request.jsonBody(config.maxRequestBytes())));
    boolean stored = request.store().saveSnapshot(snapshot);
    return Responses.json(request.exchange, 200, json -> SnapshotJson.writeSaved(json, stored));
  }

  private static Snapshot parse(String stream, ObjectNode body) {
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw HttpProblem.badRequest("unknown field '" + name + "' in a snapshot");
      }
    }
    long revision = integer(body, "revision", Long.MAX_VALUE);
    int schema = (int) integer(body, "schemaVersion", Integer.MAX_VALUE);
    JsonNode data = body.get("data");
    if (data == null || !data.isTextual()) {
      throw HttpProblem.badRequest("a snapshot needs 'data', its bytes as a base64 string");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(data.asText());
    } catch (IllegalArgumentException e) {
      throw HttpProblem.badRequest("'data' is not base64: " + e.getMessage());
    }
    return new Snapshot(stream, revision, schema, bytes);
  }

  private static long integer(ObjectNode body, String field, long max) {
    JsonNode value = body.get(field);
    if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
      throw HttpProblem.badRequest("a snapshot needs '" + field + "', a whole number");
    }
    long number = value.asLong();
    if (number < 0 || number > max) {
      throw HttpProblem.badRequest(
          "'" + field + "' must be between 0 and " + max + ", was " + number);
    }
    return number;
  }
}
