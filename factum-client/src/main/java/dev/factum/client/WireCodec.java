package dev.factum.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.AppendRequest;
import dev.factum.api.AppendResult;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.ImportResult;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.MultiAppendResult;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamPage;
import dev.factum.api.StreamState;
import dev.factum.wire.AppendResultJson;
import dev.factum.wire.EventContent;
import dev.factum.wire.ExactJson;
import dev.factum.wire.ImportResultJson;
import dev.factum.wire.QueryJson;
import dev.factum.wire.ReadPageJson;
import dev.factum.wire.RecordedEventJson;
import dev.factum.wire.ServiceRootJson;
import dev.factum.wire.StreamPageJson;
import dev.factum.wire.StreamStateJson;
import dev.factum.wire.Urls;
import dev.factum.wire.WireDecodingException;
import dev.factum.wire.WireJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * The JSON wire format of the v1 API, seen from the client: request bodies out, api records in.
 *
 * <p>What must stay true:
 *
 * <ul>
 *   <li>JSON event data and metadata are sent as they are, byte for byte, but only once checked to
 *       be exactly one valid JSON value ({@link ExactJson}): bytes that are not are refused here
 *       ({@code invalid-request}) instead of being spliced into the request, where they could add
 *       fields to it. White space around the value is not part of it and is not sent.
 *   <li>Event content is read back from the response's bytes, not re-serialized from a tree, so an
 *       event appended through the client reads back with the very bytes it was given ({@code -0},
 *       {@code 1e2}, {@code 1.0} included), and an identical resend is recognised as a retry.
 *   <li>A success body missing a field is an {@link UnexpectedResponseException}, never a default.
 * </ul>
 */
final class WireCodec {
  private static final JsonFactory JSON = WireJson.factory();

  private WireCodec() {}

  /** Parses a response body. */
  static JsonNode parse(byte[] body) {
    try {
      return ExactJson.read(JSON, body, true);
    } catch (ExactJson.Malformed e) {
      throw new UncheckedIOException(new IOException("not valid JSON: " + e.getMessage()));
    }
  }

  // ---- requests

  static byte[] appendBody(AppendRequest request) {
    return write(
        json -> {
          json.writeStartObject();
          writeAppend(json, request, false);
          json.writeEndObject();
        });
  }

  static byte[] multiAppendBody(List<AppendRequest> requests) {
    if (requests == null || requests.isEmpty()) {
      throw new InvalidArgumentException("an append needs at least one stream");
    }
    return write(
        json -> {
          json.writeStartObject();
          json.writeArrayFieldStart("appends");
          for (AppendRequest request : requests) {
            json.writeStartObject();
            writeAppend(json, request, true);
            json.writeEndObject();
          }
          json.writeEndArray();
          json.writeEndObject();
        });
  }

  static byte[] importBody(List<RecordedEvent> events) {
    if (events == null || events.isEmpty()) {
      throw new InvalidArgumentException("an import needs at least one event");
    }
    return write(
        json -> {
          json.writeStartObject();
          json.writeArrayFieldStart("events");
          for (RecordedEvent event : events) {
            if (event == null || event.id() == null || event.timestamp() == null) {
              throw new InvalidArgumentException("an imported event needs its id and timestamp");
            }
            json.writeStartObject();
            EventContent.writeRecorded(json, event, false, WireCodec::checkedValue);
            json.writeEndObject();
          }
          json.writeEndArray();
          json.writeEndObject();
        });
  }

  static void writeAppend(JsonGenerator json, AppendRequest request, boolean withStream)
      throws IOException {
    if (request == null) {
      throw new InvalidArgumentException("append request is missing");
    }
    Urls.checkedStream(request.stream());
    if (withStream) {
      json.writeStringField("stream", request.stream());
    }
    ExpectedRevision expected = request.expected();
    if (expected == null) {
      throw new InvalidArgumentException("expected revision is missing for " + request.stream());
    }
    if (expected instanceof ExpectedRevision.Exact exact) {
      json.writeNumberField("expectedRevision", exact.revision());
    } else {
      json.writeStringField("expectedRevision", expected.toString());
    }
    if (request.events() == null || request.events().isEmpty()) {
      throw new InvalidArgumentException("an append needs at least one event");
    }
    json.writeArrayFieldStart("events");
    for (EventData event : request.events()) {
      writeEvent(json, event);
    }
    json.writeEndArray();
    if (request.condition() != null) {
      json.writeFieldName("condition");
      json.writeRawValue(QueryJson.writeCondition(request.condition()));
    }
  }

  private static void writeEvent(JsonGenerator json, EventData event) throws IOException {
    if (event == null) {
      throw new InvalidArgumentException("event is missing");
    }
    if (event.data() == null) {
      throw new InvalidArgumentException("event data is missing");
    }
    json.writeStartObject();
    if (event.id() != null) {
      json.writeStringField("id", event.id().toString());
    }
    json.writeStringField("type", event.type());
    EventContent.write(
        json,
        event.contentType(),
        event.data(),
        event.metadata(),
        event.tags(),
        WireCodec::checkedValue);
    if (event.subject() != null) {
      json.writeStringField("subject", event.subject());
    }
    json.writeEndObject();
  }

  /**
   * {@code bytes} as text to embed in the request as they are, once checked to be exactly one JSON
   * value (so nothing can be spliced into the request), or {@code invalid-request}.
   */
  private static String checkedValue(byte[] bytes, String what) {
    try {
      ExactJson.validate(JSON, bytes, true);
    } catch (ExactJson.Malformed e) {
      throw new InvalidArgumentException(
          what + " is not exactly one JSON value: " + e.getMessage());
    }
    return new String(bytes, StandardCharsets.UTF_8).strip();
  }

  @FunctionalInterface
  interface Writer {
    void write(JsonGenerator json) throws IOException;
  }

  static byte[] write(Writer writer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      writer.write(json);
    } catch (IOException e) {
      throw new InvalidArgumentException("the request could not be encoded: " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  // ---- responses (their shapes are owned by factum-wire; a body of the wrong shape is an
  // UnexpectedResponseException)

  static AppendResult appendResult(String stream, JsonNode body) {
    return decoded(() -> AppendResultJson.read(stream, body));
  }

  static MultiAppendResult multiAppendResult(JsonNode body) {
    return decoded(() -> AppendResultJson.readAll(body));
  }

  static ImportResult importResult(JsonNode body) {
    return decoded(() -> ImportResultJson.read(body));
  }

  static StreamPage streamPage(JsonNode body) {
    return decoded(() -> StreamPageJson.read(body));
  }

  static StreamState streamState(JsonNode body) {
    return decoded(() -> StreamStateJson.read(body));
  }

  static long headPosition(JsonNode body) {
    return decoded(() -> ServiceRootJson.headPosition(body));
  }

  /** A page of a stream read (see {@link ReadPageJson} for the {@code next} rebuilt at the end). */
  static ReadPage streamPage(JsonNode body, long from, Direction direction) {
    return decoded(() -> ReadPageJson.readStream(body, from, direction));
  }

  /** A page of a stream read, decoded from the answer's bytes without a tree. */
  static ReadPage streamPage(byte[] body, long from, Direction direction) {
    return decoded(
        () -> {
          try {
            return ReadPageJson.readStream(body, from, direction);
          } catch (ExactJson.Malformed e) {
            throw notJson(e);
          }
        });
  }

  /** A page of a global-log read, decoded from the answer's bytes without a tree. */
  static ReadPage logPage(byte[] body, long from, Direction direction) {
    return decoded(
        () -> {
          try {
            return ReadPageJson.readLog(body, from, direction);
          } catch (ExactJson.Malformed e) {
            throw notJson(e);
          }
        });
  }

  /** As {@link HttpTransport}'s parsing of a 200 answer that is not JSON. */
  private static UnexpectedResponseException notJson(ExactJson.Malformed e) {
    return new UnexpectedResponseException(
        200,
        "the server's 200 answer is not JSON",
        new IOException("not valid JSON: " + e.getMessage()));
  }

  /** A page of a global-log read: forward pages always link where to continue. */
  static ReadPage logPage(JsonNode body, long from, Direction direction) {
    return decoded(() -> ReadPageJson.readLog(body, from, direction));
  }

  /** One event object from its bytes (an SSE {@code data:} line), without a tree. */
  static RecordedEvent event(byte[] body) {
    return decoded(
        () -> {
          try {
            return RecordedEventJson.read(body);
          } catch (ExactJson.Malformed e) {
            throw new UnexpectedResponseException(
                200, "an unreadable event", new IOException("not valid JSON: " + e.getMessage()));
          }
        });
  }

  /** Runs a factum-wire reader: a body of the wrong shape is an UnexpectedResponseException. */
  static <T> T decoded(Supplier<T> reader) {
    try {
      return reader.get();
    } catch (WireDecodingException e) {
      throw new UnexpectedResponseException(
          200, "the server's answer could not be decoded: " + e.getMessage(), null);
    }
  }
}
