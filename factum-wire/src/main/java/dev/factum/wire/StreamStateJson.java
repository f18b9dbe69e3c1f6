package dev.factum.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.StreamState;
import java.io.IOException;
import java.util.Locale;

/**
 * A stream's state as deletes answer it and {@code GET /streams/{stream}/state} begins it: {@code
 * stream}, {@code status} (lower case), {@code lastRevision} (null when there is none).
 */
public final class StreamStateJson {
  private StreamStateJson() {}

  /** The members, inside an object the caller opened. */
  public static void write(JsonGenerator json, StreamState state) throws IOException {
    json.writeStringField("stream", state.stream());
    json.writeStringField("status", state.status().name().toLowerCase(Locale.ROOT));
    if (state.lastRevision() < 0) {
      json.writeNullField("lastRevision");
    } else {
      json.writeNumberField("lastRevision", state.lastRevision());
    }
  }

  public static StreamState read(JsonNode body) {
    String status = Fields.text(body, "status");
    StreamState.Status parsed;
    try {
      parsed = StreamState.Status.valueOf(status.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new WireDecodingException("unknown stream status '" + status + "'", body);
    }
    JsonNode last = body.path("lastRevision");
    long lastRevision = last.isIntegralNumber() ? last.asLong() : StreamState.NO_REVISION;
    return new StreamState(Fields.text(body, "stream"), parsed, lastRevision);
  }
}
