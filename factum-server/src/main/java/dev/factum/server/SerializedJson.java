package dev.factum.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.api.EventData;
import dev.factum.api.RecordedEvent;
import dev.factum.wire.ExactJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The Serialized API's JSON: event batches as its clients send them, and events as they read them.
 *
 * <p>Parsing is strict like the native API's: only the members the client sends ({@code
 * aggregateId}, {@code expectedVersion}, {@code events}; per event {@code eventId}, {@code
 * eventType}, {@code data}, {@code encryptedData}), the right JSON types, at most {@link
 * #MAX_EVENTS} events per batch (the client's own limit), distinct event ids. An event's {@code
 * data} is kept byte for byte as sent (an object, or absent: then {@code {}}).
 */
final class SerializedJson {
  /** Events per batch, as the Serialized client allows (it refuses 64 and more). */
  static final int MAX_EVENTS = 64;

  private static final Set<String> BATCH_FIELDS =
      Set.of("aggregateId", "expectedVersion", "events");
  private static final Set<String> BULK_FIELDS = Set.of("batches");
  private static final Set<String> EVENT_FIELDS =
      Set.of("eventId", "eventType", "data", "encryptedData");
  private static final byte[] EMPTY_OBJECT = {'{', '}'};

  private SerializedJson() {}

  /** One event of a batch, before its batch's version is known. */
  record NewEvent(UUID id, String type, byte[] data, String encryptedData) {
    EventData toEventData(long version, int size, int index) {
      return new EventData(
          id,
          type,
          EventData.JSON,
          data,
          SerializedMapping.metadata(version, size, index, encryptedData),
          Set.of());
    }
  }

  /** A batch: the aggregate it names (null when the URL names it), its expectation, its events. */
  record Batch(UUID aggregateId, Long expectedVersion, List<NewEvent> events) {
    List<UUID> ids() {
      return events.stream().map(NewEvent::id).toList();
    }
  }

  static Batch parseBatch(byte[] body) {
    return batch(WireFormat.parseObject(body), "the batch");
  }

  static List<Batch> parseBulk(byte[] body) {
    ObjectNode root = WireFormat.parseObject(body);
    onlyFields(root, BULK_FIELDS, "the bulk save");
    JsonNode batches = root.get("batches");
    if (batches == null || !batches.isArray() || batches.isEmpty()) {
      throw HttpProblem.badRequest("'batches' must be a non-empty array");
    }
    List<Batch> parsed = new ArrayList<>(batches.size());
    Set<UUID> aggregates = new HashSet<>();
    for (JsonNode node : batches) {
      if (!node.isObject()) {
        throw HttpProblem.badRequest("each of 'batches' must be an object");
      }
      Batch batch = batch((ObjectNode) node, "a batch");
      if (batch.aggregateId() == null) {
        throw HttpProblem.badRequest("each batch of a bulk save names its 'aggregateId'");
      }
      if (!aggregates.add(batch.aggregateId())) {
        throw HttpProblem.badRequest(
            "aggregate " + batch.aggregateId() + " has more than one batch in the bulk save");
      }
      parsed.add(batch);
    }
    return parsed;
  }

  private static Batch batch(ObjectNode node, String what) {
    onlyFields(node, BATCH_FIELDS, what);
    UUID aggregateId = null;
    JsonNode id = node.get("aggregateId");
    if (id != null && !id.isNull()) {
      if (!id.isTextual()) {
        throw HttpProblem.badRequest("'aggregateId' must be a UUID string");
      }
      aggregateId = SerializedMapping.aggregateId(id.textValue());
    }
    Long expected = null;
    JsonNode version = node.get("expectedVersion");
    if (version != null && !version.isNull()) {
      if (!version.isIntegralNumber() || !version.canConvertToLong() || version.longValue() < 0) {
        throw HttpProblem.badRequest("'expectedVersion' must be a whole number >= 0");
      }
      expected = version.longValue();
    }
    JsonNode events = node.get("events");
    if (events == null || !events.isArray() || events.isEmpty()) {
      throw HttpProblem.badRequest("'events' must be a non-empty array");
    }
    if (events.size() > MAX_EVENTS) {
      throw HttpProblem.badRequest("a batch holds at most " + MAX_EVENTS + " events");
    }
    List<NewEvent> parsed = new ArrayList<>(events.size());
    Set<UUID> ids = new HashSet<>();
    for (JsonNode event : events) {
      NewEvent one = event(event);
      if (!ids.add(one.id())) {
        throw HttpProblem.badRequest("event id " + one.id() + " appears twice in a batch");
      }
      parsed.add(one);
    }
    return new Batch(aggregateId, expected, List.copyOf(parsed));
  }

  private static NewEvent event(JsonNode node) {
    if (!node.isObject()) {
      throw HttpProblem.badRequest("each event must be an object");
    }
    onlyFields((ObjectNode) node, EVENT_FIELDS, "an event");
    JsonNode type = node.get("eventType");
    if (type == null || !type.isTextual() || type.textValue().isBlank()) {
      throw HttpProblem.badRequest("each event needs an 'eventType' string");
    }
    if (type.textValue().startsWith("$")) {
      throw HttpProblem.badRequest("an event type may not start with '$' (system events)");
    }
    JsonNode id = node.get("eventId");
    UUID eventId;
    if (id == null || id.isNull()) {
      eventId = UUID.randomUUID();
    } else if (!id.isTextual()) {
      throw HttpProblem.badRequest("'eventId' must be a UUID string");
    } else {
      eventId = SerializedMapping.uuid(id.textValue(), "an event id");
    }
    byte[] data = EMPTY_OBJECT;
    JsonNode dataNode = node.get("data");
    if (dataNode != null && !dataNode.isNull()) {
      if (!dataNode.isObject()) {
        throw HttpProblem.badRequest("an event's 'data' must be a JSON object");
      }
      byte[] raw = node instanceof ExactJson.RawObject object ? object.raw("data") : null;
      data = raw != null ? raw : dataNode.toString().getBytes(StandardCharsets.UTF_8);
    }
    JsonNode encrypted = node.get("encryptedData");
    if (encrypted != null && !encrypted.isNull() && !encrypted.isTextual()) {
      throw HttpProblem.badRequest("'encryptedData' must be a string");
    }
    return new NewEvent(
        eventId,
        type.textValue(),
        data,
        encrypted == null || encrypted.isNull() ? null : encrypted.textValue());
  }

  private static void onlyFields(ObjectNode node, Set<String> allowed, String what) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw HttpProblem.badRequest(
            "unknown member '"
                + name
                + "' in "
                + what
                + "; allowed: "
                + String.join(", ", allowed));
      }
    }
  }

  /**
   * Writes one event as Serialized reads it: id, type, data and any encrypted data; and, beyond
   * Serialized's shape (its client ignores members it does not know), the event's data {@code
   * subject} when it names one. A forgotten subject's event never reaches here: its batch facts
   * were in its sealed metadata (docs/SERIALIZED.md, "Data subjects").
   */
  static void writeEvent(JsonGenerator json, RecordedEvent event, SerializedMapping.Batch batch)
      throws IOException {
    json.writeStartObject();
    json.writeStringField("eventId", event.id().toString());
    json.writeStringField("eventType", event.type());
    json.writeFieldName("data");
    json.writeRawValue(new String(event.data(), StandardCharsets.UTF_8));
    if (batch.encryptedData() != null) {
      json.writeStringField("encryptedData", batch.encryptedData());
    }
    if (event.subject() != null) {
      json.writeStringField("subject", event.subject());
    }
    json.writeEndObject();
  }
}
