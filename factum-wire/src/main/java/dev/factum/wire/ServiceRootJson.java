package dev.factum.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * The answer to {@code GET /}: the service's name, API version, where its OpenAPI document is, and
 * the store's head position, which clients read to start at the end of the log.
 */
public final class ServiceRootJson {
  private ServiceRootJson() {}

  /** The members, inside an object the caller opened. */
  public static void write(JsonGenerator json, long headPosition) throws IOException {
    json.writeStringField("name", "Factum");
    json.writeStringField("api", "v1");
    json.writeStringField("openapi", "/openapi.json");
    json.writeNumberField("headPosition", headPosition);
  }

  /** The head position (-1: an empty store). */
  public static long headPosition(JsonNode body) {
    return Fields.number(body, "headPosition");
  }
}
