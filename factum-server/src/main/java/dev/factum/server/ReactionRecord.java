package dev.factum.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.wire.ExactJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;

/**
 * One reaction: what an event of a definition's {@code reactOnEventType} scheduled, and where its
 * execution stands. The store record (namespace {@value SerializedReactions#REACTIONS}, keyed by
 * the reaction id) is its only state, so a restart resumes exactly where the records say.
 *
 * <p>Record format (JSON, one object): {@code reactionId, reactionName, aggregateType, aggregateId,
 * eventId, position} (the event's log position, read again to build the request), {@code createdAt,
 * triggerAt, finishedAt} (epoch milliseconds; {@code finishedAt} only once completed, failed or
 * canceled), {@code status} ({@link Status#SCHEDULED}, {@link Status#ONGOING}, {@link
 * Status#COMPLETED}, {@link Status#FAILED}, {@link Status#CANCELED}; {@code READY} is never stored:
 * it is a scheduled reaction whose time has come), {@code attempts} and {@code lastError}.
 */
record ReactionRecord(
    UUID id,
    String reactionName,
    String aggregateType,
    UUID aggregateId,
    UUID eventId,
    long position,
    long createdAt,
    long triggerAt,
    long finishedAt,
    Status status,
    int attempts,
    String lastError) {

  /** The statuses as the client names them. */
  enum Status {
    SCHEDULED,
    READY,
    ONGOING,
    COMPLETED,
    CANCELED,
    FAILED
  }

  /** The status a listing shows at {@code now}: a scheduled reaction that is due is READY. */
  Status shownAt(long now) {
    return status == Status.SCHEDULED && triggerAt <= now ? Status.READY : status;
  }

  boolean open() {
    return status == Status.SCHEDULED || status == Status.ONGOING;
  }

  ReactionRecord with(
      Status newStatus, long newTriggerAt, long newFinishedAt, int newAttempts, String error) {
    return new ReactionRecord(
        id,
        reactionName,
        aggregateType,
        aggregateId,
        eventId,
        position,
        createdAt,
        newTriggerAt,
        newFinishedAt,
        newStatus,
        newAttempts,
        error);
  }

  byte[] bytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = WireFormat.generator(out)) {
      json.writeStartObject();
      writeFields(json);
      json.writeNumberField("position", position);
      json.writeNumberField("attempts", attempts);
      if (lastError != null) {
        json.writeStringField("lastError", lastError);
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The members the client reads (its {@code Reaction}), as listed at {@code now}. */
  void writeListed(JsonGenerator json, long now) throws IOException {
    json.writeStartObject();
    writeFields(json, shownAt(now));
    json.writeEndObject();
  }

  private void writeFields(JsonGenerator json) throws IOException {
    writeFields(json, status);
  }

  private void writeFields(JsonGenerator json, Status shown) throws IOException {
    json.writeStringField("reactionId", id.toString());
    json.writeStringField("reactionName", reactionName);
    json.writeStringField("aggregateType", aggregateType);
    json.writeStringField("aggregateId", aggregateId.toString());
    json.writeStringField("eventId", eventId.toString());
    json.writeNumberField("createdAt", createdAt);
    json.writeNumberField("triggerAt", triggerAt);
    if (finishedAt > 0) {
      json.writeNumberField("finishedAt", finishedAt);
    }
    json.writeStringField("status", shown.name());
  }

  static ReactionRecord of(byte[] value) {
    JsonNode json;
    try {
      json = ExactJson.read(WireFormat.JSON, value, false);
    } catch (ExactJson.Malformed e) {
      throw new IllegalStateException("a reaction record is not JSON: " + e.getMessage(), e);
    }
    return new ReactionRecord(
        UUID.fromString(json.path("reactionId").asText()),
        json.path("reactionName").asText(),
        json.path("aggregateType").asText(),
        UUID.fromString(json.path("aggregateId").asText()),
        UUID.fromString(json.path("eventId").asText()),
        json.path("position").asLong(),
        json.path("createdAt").asLong(),
        json.path("triggerAt").asLong(),
        json.path("finishedAt").asLong(0),
        Status.valueOf(json.path("status").asText()),
        json.path("attempts").asInt(),
        json.path("lastError").asText(null));
  }
}
