package dev.factum.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.StreamMetadata;
import dev.factum.api.VersionedStreamMetadata;
import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;

/**
 * A stream's metadata on the wire (docs/HTTP.md, "Stream metadata"). {@code GET
 * /streams/{stream}/metadata} answers {@code {"stream", "metadataRevision", ...settings}}; {@code
 * PUT} takes {@code {"expectedMetadataRevision", ...settings}} and answers {@code {"stream",
 * "metadataRevision"}}. The settings are members beside those: {@code maxCount}, {@code maxAge}
 * (whole seconds), {@code truncateBefore} and {@code custom} (a JSON object), each optional. They
 * are not nested under a {@code metadata} member: {@link ExactJson} keeps that name's bytes raw,
 * for events.
 *
 * <p>What must stay true: both directions are strict. An unknown member, a value of the wrong kind
 * or out of range is an {@link InvalidArgumentException} (the server's {@code invalid-request}),
 * never ignored, so a misspelt {@code maxcount} cannot silently set nothing.
 */
public final class StreamMetadataJson {
  private static final Set<String> PUT =
      Set.of("expectedMetadataRevision", "maxCount", "maxAge", "truncateBefore", "custom");
  private static final Set<String> GET =
      Set.of("stream", "metadataRevision", "maxCount", "maxAge", "truncateBefore", "custom");

  private StreamMetadataJson() {}

  /** The members of a {@code GET} answer, inside an object the caller opened. */
  public static void write(JsonGenerator json, VersionedStreamMetadata metadata)
      throws IOException {
    json.writeStringField("stream", metadata.stream());
    json.writeNumberField("metadataRevision", metadata.metadataRevision());
    writeSettings(json, metadata.metadata());
  }

  /** The members of a {@code PUT} body, inside an object the caller opened. */
  public static void writeSet(
      JsonGenerator json, ExpectedRevision expected, StreamMetadata metadata) throws IOException {
    if (expected instanceof ExpectedRevision.Exact exact) {
      json.writeNumberField("expectedMetadataRevision", exact.revision());
    } else {
      json.writeStringField("expectedMetadataRevision", expected.toString());
    }
    writeSettings(json, metadata);
  }

  /** The members of a {@code PUT}'s answer. */
  public static void writeSetResult(JsonGenerator json, String stream, long metadataRevision)
      throws IOException {
    json.writeStringField("stream", stream);
    json.writeNumberField("metadataRevision", metadataRevision);
  }

  private static void writeSettings(JsonGenerator json, StreamMetadata metadata)
      throws IOException {
    if (metadata.maxCount() != null) {
      json.writeNumberField("maxCount", metadata.maxCount());
    }
    if (metadata.maxAge() != null) {
      json.writeNumberField("maxAge", metadata.maxAge().toSeconds());
    }
    if (metadata.truncateBefore() != null) {
      json.writeNumberField("truncateBefore", metadata.truncateBefore());
    }
    if (metadata.custom() != null) {
      json.writeFieldName("custom");
      json.writeRawValue(metadata.custom());
    }
  }

  /** A {@code GET} answer. */
  public static VersionedStreamMetadata read(JsonNode body) {
    onlyKnown(body, GET, "stream metadata");
    return new VersionedStreamMetadata(
        Fields.text(body, "stream"), Fields.number(body, "metadataRevision"), readSettings(body));
  }

  /** The metadata revision of a {@code PUT}'s answer. */
  public static long readSetResult(JsonNode body) {
    return Fields.number(body, "metadataRevision");
  }

  /** The expected metadata revision of a {@code PUT} body. */
  public static ExpectedRevision readExpected(JsonNode body) {
    onlyKnown(body, PUT, "a metadata write");
    JsonNode expected = body.get("expectedMetadataRevision");
    if (expected == null || expected.isNull()) {
      throw new InvalidArgumentException(
          "'expectedMetadataRevision' is required: a metadata revision, any, no_stream or exists");
    }
    if (expected.isIntegralNumber() && expected.canConvertToLong()) {
      return ExpectedRevision.exact(expected.asLong());
    }
    if (!expected.isTextual()) {
      throw new InvalidArgumentException(
          "'expectedMetadataRevision' must be a metadata revision, any, no_stream or exists");
    }
    return ExpectedRevision.parse(expected.asText());
  }

  /** The settings of a {@code PUT} body. */
  public static StreamMetadata readPutSettings(JsonNode body) {
    onlyKnown(body, PUT, "a metadata write");
    return readSettings(body);
  }

  /** The settings among the members of {@code node} (the caller refused unknown ones). */
  private static StreamMetadata readSettings(JsonNode node) {
    Long maxCount = whole(node, "maxCount");
    Long maxAge = whole(node, "maxAge");
    Long truncateBefore = whole(node, "truncateBefore");
    JsonNode custom = node.get("custom");
    String customJson = null;
    if (custom != null && !custom.isNull()) {
      if (!custom.isObject()) {
        throw new InvalidArgumentException("'custom' must be a JSON object");
      }
      try {
        customJson = WireJson.mapper().writeValueAsString(custom);
      } catch (JsonProcessingException e) {
        throw new InvalidArgumentException("'custom' cannot be written back as JSON", e);
      }
    }
    return new StreamMetadata(
        maxCount, maxAge == null ? null : Duration.ofSeconds(maxAge), truncateBefore, customJson);
  }

  private static Long whole(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new InvalidArgumentException("'" + field + "' must be a whole number");
    }
    return value.asLong();
  }

  private static void onlyKnown(JsonNode node, Set<String> known, String what) {
    if (!node.isObject()) {
      throw new InvalidArgumentException(what + " must be a JSON object");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw new InvalidArgumentException("unknown field '" + name + "' in " + what);
      }
    }
  }
}
