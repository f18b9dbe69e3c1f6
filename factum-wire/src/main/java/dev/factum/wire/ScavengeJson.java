package dev.factum.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.scavenge.ScavengeStatus;
import java.io.IOException;
import java.time.Instant;
import java.util.Locale;

/**
 * A scavenging status on the wire ({@code POST} and {@code GET /admin/scavenge}, docs/HTTP.md,
 * "Scavenging"): {@code {"state", "runId", "startedAt", "finishedAt", "headPosition",
 * "streamCursor", "streamsVisited", "eventsRemoved", "bytesRemoved", "bytesReclaimed",
 * "eventsPerSecond", "failure"}}; times as ISO-8601 strings, absent values as null. A reader
 * refuses a state it does not know ({@link WireDecodingException}).
 */
public final class ScavengeJson {
  private ScavengeJson() {}

  /** The members of a status, inside an object the caller opened. */
  public static void write(JsonGenerator json, ScavengeStatus status) throws IOException {
    json.writeStringField("state", status.state().wireName());
    json.writeNumberField("runId", status.runId());
    writeInstant(json, "startedAt", status.startedAt());
    writeInstant(json, "finishedAt", status.finishedAt());
    json.writeNumberField("headPosition", status.headPosition());
    json.writeStringField("streamCursor", status.streamCursor());
    json.writeNumberField("streamsVisited", status.streamsVisited());
    json.writeNumberField("eventsRemoved", status.eventsRemoved());
    json.writeNumberField("bytesRemoved", status.bytesRemoved());
    json.writeNumberField("bytesReclaimed", status.bytesReclaimed());
    json.writeNumberField("eventsPerSecond", status.eventsPerSecond());
    json.writeStringField("failure", status.failure());
  }

  public static ScavengeStatus read(JsonNode node) {
    String state = text(node, "state");
    ScavengeStatus.State parsed;
    try {
      parsed = ScavengeStatus.State.valueOf(state.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new WireDecodingException("unknown scavenging state '" + state + "'", node);
    }
    return new ScavengeStatus(
        parsed,
        node.path("runId").asLong(),
        instant(node, "startedAt"),
        instant(node, "finishedAt"),
        node.path("headPosition").asLong(-1),
        text(node, "streamCursor"),
        node.path("streamsVisited").asLong(),
        node.path("eventsRemoved").asLong(),
        node.path("bytesRemoved").asLong(),
        node.path("bytesReclaimed").asLong(-1),
        node.path("eventsPerSecond").asLong(),
        text(node, "failure"));
  }

  private static void writeInstant(JsonGenerator json, String name, Instant instant)
      throws IOException {
    if (instant == null) {
      json.writeNullField(name);
    } else {
      json.writeStringField(name, instant.toString());
    }
  }

  private static String text(JsonNode node, String name) {
    JsonNode value = node.get(name);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static Instant instant(JsonNode node, String name) {
    String text = text(node, name);
    return text == null ? null : Instant.parse(text);
  }
}
