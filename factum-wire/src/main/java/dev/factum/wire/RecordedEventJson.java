package dev.factum.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.EventData;
import dev.factum.api.RecordedEvent;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

/**
 * Reads one event object, as pages and SSE {@code data:} lines carry it, into a {@link
 * RecordedEvent}.
 *
 * <p>What must stay true: JSON data and metadata are the member's bytes exactly as the server sent
 * them (kept by {@link ExactJson}), never re-serialized from the tree's numbers; only a tree built
 * by hand, which has no bytes kept, is written out with {@link WireJson#mapper()}.
 */
public final class RecordedEventJson {
  private RecordedEventJson() {}

  /**
   * One event object from its bytes (an SSE {@code data:} line), in one pass where it is as the
   * server writes it: the same event and the same refusals as {@link ExactJson#read} then {@link
   * #read(JsonNode)}, which decides every other body ({@link PageDecoder}).
   *
   * @throws ExactJson.Malformed the bytes are not exactly one valid JSON value
   */
  public static RecordedEvent read(byte[] body) throws ExactJson.Malformed {
    return PageDecoder.decodeEvent(body);
  }

  public static RecordedEvent read(JsonNode node) {
    String contentType = Fields.text(node, "contentType");
    JsonNode dataNode = node.get("data");
    if (dataNode == null) {
      throw new WireDecodingException("an event without data", node);
    }
    byte[] data;
    byte[] metadata = null;
    UUID id;
    Instant timestamp;
    try {
      data =
          contentType.equals(EventData.JSON)
              ? exact(node, "data", dataNode)
              : Base64.getDecoder().decode(dataNode.asText());
      JsonNode metadataNode = node.get("metadata");
      if (metadataNode != null && !metadataNode.isNull()) {
        metadata = exact(node, "metadata", metadataNode);
      }
      id = UUID.fromString(Fields.text(node, "id"));
      timestamp = Timestamps.parse(Fields.text(node, "timestamp"));
    } catch (WireDecodingException known) {
      throw known;
    } catch (JsonProcessingException | RuntimeException e) {
      throw new WireDecodingException("an undecodable event (" + e.getMessage() + ")", node);
    }
    Set<String> tags = new LinkedHashSet<>();
    for (JsonNode tag : node.path("tags")) {
      tags.add(tag.asText());
    }
    return new RecordedEvent(
        id,
        Fields.text(node, "stream"),
        Fields.number(node, "revision"),
        Fields.number(node, "position"),
        timestamp,
        Fields.text(node, "type"),
        contentType,
        data,
        metadata,
        Set.copyOf(tags),
        Fields.optionalText(node, "subject"),
        Fields.optionalBool(node, "redacted"));
  }

  private static byte[] exact(JsonNode event, String field, JsonNode value)
      throws JsonProcessingException {
    byte[] raw = event instanceof ExactJson.RawObject object ? object.raw(field) : null;
    return raw != null ? raw : WireJson.mapper().writeValueAsBytes(value);
  }
}
