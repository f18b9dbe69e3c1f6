package dev.factum.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.StreamInfo;
import dev.factum.api.StreamPage;
import dev.factum.api.StreamQuery;
import dev.factum.api.StreamState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A page of the stream listing ({@code GET /streams}): {@code streams}, each {@code {"stream",
 * "status", "lastRevision", "lastPosition", "eventCount"}} ({@code lastRevision} and {@code
 * lastPosition} null when the stream has no event), then {@code after} (the name to resume after,
 * or null on the last page) and {@code next} (the link to the following page, or null).
 */
public final class StreamPageJson {
  private StreamPageJson() {}

  /** The members of a page, inside an object the caller opened. */
  public static void write(JsonGenerator json, StreamPage page, StreamQuery query)
      throws IOException {
    json.writeArrayFieldStart("streams");
    for (StreamInfo stream : page.streams()) {
      json.writeStartObject();
      json.writeStringField("stream", stream.stream());
      json.writeStringField("status", stream.status().name().toLowerCase(Locale.ROOT));
      nullable(json, "lastRevision", stream.lastRevision());
      nullable(json, "lastPosition", stream.lastPosition());
      json.writeNumberField("eventCount", stream.eventCount());
      json.writeEndObject();
    }
    json.writeEndArray();
    if (page.next() == null) {
      json.writeNullField("after");
      json.writeNullField("next");
    } else {
      json.writeStringField("after", page.next());
      json.writeStringField("next", Urls.listStreams(query.after(page.next())));
    }
  }

  private static void nullable(JsonGenerator json, String field, long value) throws IOException {
    if (value < 0) {
      json.writeNullField(field);
    } else {
      json.writeNumberField(field, value);
    }
  }

  public static StreamPage read(JsonNode body) {
    List<StreamInfo> streams = new ArrayList<>();
    for (JsonNode item : Fields.array(body, "streams")) {
      String status = Fields.text(item, "status");
      StreamState.Status parsed;
      try {
        parsed = StreamState.Status.valueOf(status.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new WireDecodingException("unknown stream status '" + status + "'", item);
      }
      streams.add(
          new StreamInfo(
              Fields.text(item, "stream"),
              parsed,
              orMinusOne(item, "lastRevision"),
              orMinusOne(item, "lastPosition"),
              Fields.number(item, "eventCount")));
    }
    JsonNode after = body.get("after");
    if (after == null || !(after.isNull() || after.isTextual())) {
      throw new WireDecodingException("no 'after' string or null", body);
    }
    return new StreamPage(streams, after.isNull() ? null : after.asText());
  }

  private static long orMinusOne(JsonNode item, String field) {
    JsonNode value = item.get(field);
    if (value == null) {
      throw new WireDecodingException("no '" + field + "' number or null", item);
    }
    return value.isNull() ? -1 : Fields.number(item, field);
  }
}
