package dev.factum.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.api.EventData;
import dev.factum.api.RecordedEvent;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * One tenant as the {@code $tenants} stream records it, and the codec of that stream's events.
 *
 * <p>Event formats (data, JSON): {@value #CREATED} {@code {"name", "id", "createdBy"}}; {@value
 * #DELETED} {@code {"name", "id", "deletedBy"}}; times are the events' commit timestamps. The
 * {@code id} (64 random bits, hex) names one incarnation of the name: a tenant deleted and created
 * again is a new tenant with a new id, new storage ({@link #location}) and none of the old keys.
 *
 * @param createdBy the id of the key that created it
 */
record TenantRecord(String name, String id, String createdBy, Instant createdAt) {
  static final String CREATED = "$tenant-created";
  static final String DELETED = "$tenant-deleted";

  /**
   * 1 to 30 of {@code a-z}, {@code 0-9} and {@code -}, starting and ending with a letter or digit.
   */
  static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,28}[a-z0-9])?");

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  static boolean validName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /** A new incarnation of {@code name}, not yet written. */
  static TenantRecord fresh(String name, String createdBy, Instant now) {
    byte[] id = new byte[8];
    RANDOM.nextBytes(id);
    return new TenantRecord(name, HexFormat.of().formatHex(id), createdBy, now);
  }

  /**
   * Where its store lives ({@code TenantStorage}): the name and the id, so no two incarnations ever
   * share data, and a directory or schema still names its tenant.
   */
  String location() {
    return name + "-" + id;
  }

  EventData createdEvent() {
    ObjectNode json = MAPPER.createObjectNode();
    json.put("name", name);
    json.put("id", id);
    json.put("createdBy", createdBy);
    return EventData.json(CREATED, KeyRecord.bytes(json));
  }

  EventData deletedEvent(String deletedBy) {
    ObjectNode json = MAPPER.createObjectNode();
    json.put("name", name);
    json.put("id", id);
    json.put("deletedBy", deletedBy);
    return EventData.json(DELETED, KeyRecord.bytes(json));
  }

  /** The tenant a {@value #CREATED} or {@value #DELETED} event names. */
  static TenantRecord of(RecordedEvent event) {
    JsonNode json = KeyRecord.read(event);
    return new TenantRecord(
        json.path("name").asText(),
        json.path("id").asText(),
        json.path("createdBy").asText(null),
        event.timestamp());
  }
}
