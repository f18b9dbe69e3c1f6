package dev.factum.projections;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.api.DataCorruptedException;
import java.io.IOException;

/**
 * One projection's state: its id, when it was created and last changed (commit times of the events,
 * in epoch milliseconds, so a rebuild reproduces them), its reference (set by {@code setref}) and
 * its data.
 */
public record ProjectionDocument(
    String id, long createdAt, long updatedAt, String reference, ObjectNode data) {

  byte[] encode() {
    ObjectNode node = DefinitionJson.JSON.createObjectNode();
    node.put("id", id);
    node.put("createdAt", createdAt);
    node.put("updatedAt", updatedAt);
    if (reference != null) {
      node.put("reference", reference);
    }
    node.set("data", data);
    try {
      return DefinitionJson.JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  static ProjectionDocument decode(byte[] value) {
    try {
      JsonNode node = DefinitionJson.JSON.readTree(value);
      JsonNode reference = node.get("reference");
      return new ProjectionDocument(
          node.get("id").textValue(),
          node.get("createdAt").longValue(),
          node.get("updatedAt").longValue(),
          reference == null ? null : reference.textValue(),
          (ObjectNode) node.get("data"));
    } catch (IOException | RuntimeException e) {
      throw new DataCorruptedException("a projection document is not readable: " + e.getMessage());
    }
  }
}
