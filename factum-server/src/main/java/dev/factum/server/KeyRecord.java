package dev.factum.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.api.EventData;
import dev.factum.api.RecordedEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One API key as the {@code $keys} stream records it, and the codec of that stream's events.
 *
 * <p>Event formats (data, JSON): {@value #CREATED} {@code {"id", "name", "role", "prefixes": [...],
 * "categories": [...], "expiresAt": ISO-8601 | null, "ratePerSecond", "secretHash", "createdBy",
 * "tenant"?, "tenantId"?}} (a key of the root store has neither); {@value #REVOKED} {@code {"id",
 * "revokedBy"}}. The secret itself is never in an event: {@code secretHash} is SHA-256 of it
 * ({@link ApiKeys}). Creation and revocation times are the events' commit timestamps.
 *
 * @param revokedAt null while the key is valid
 * @param tenant the tenant the key acts on, null for the root store
 * @param tenantId the id of that tenant's incarnation ({@link TenantRecord#id}): a key made for a
 *     tenant that was deleted is never valid for a new tenant of the same name
 */
record KeyRecord(
    String id,
    String name,
    Role role,
    Scopes scopes,
    Instant expiresAt,
    int ratePerSecond,
    String secretHash,
    String createdBy,
    Instant createdAt,
    Instant revokedAt,
    String tenant,
    String tenantId) {
  static final String CREATED = "$key-created";
  static final String REVOKED = "$key-revoked";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  boolean validAt(Instant now) {
    return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
  }

  Principal principal() {
    return new Principal(id, name, role, scopes, ratePerSecond, tenant);
  }

  KeyRecord revoked(Instant at) {
    return new KeyRecord(
        id,
        name,
        role,
        scopes,
        expiresAt,
        ratePerSecond,
        secretHash,
        createdBy,
        createdAt,
        at,
        tenant,
        tenantId);
  }

  EventData createdEvent() {
    ObjectNode json = MAPPER.createObjectNode();
    json.put("id", id);
    json.put("name", name);
    json.put("role", role.id());
    ArrayNode prefixes = json.putArray("prefixes");
    scopes.prefixes().forEach(prefixes::add);
    ArrayNode categories = json.putArray("categories");
    scopes.categories().forEach(categories::add);
    if (expiresAt == null) {
      json.putNull("expiresAt");
    } else {
      json.put("expiresAt", expiresAt.toString());
    }
    json.put("ratePerSecond", ratePerSecond);
    json.put("secretHash", secretHash);
    json.put("createdBy", createdBy);
    if (tenant != null) {
      json.put("tenant", tenant);
      json.put("tenantId", tenantId);
    }
    return EventData.json(CREATED, bytes(json));
  }

  static EventData revokedEvent(String id, String by) {
    ObjectNode json = MAPPER.createObjectNode();
    json.put("id", id);
    json.put("revokedBy", by);
    return EventData.json(REVOKED, bytes(json));
  }

  static byte[] bytes(JsonNode json) {
    try {
      return MAPPER.writeValueAsBytes(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode read(RecordedEvent event) {
    try {
      return MAPPER.readTree(event.data());
    } catch (IOException e) {
      throw new IllegalStateException("unreadable " + event.type() + " at " + event.position(), e);
    }
  }

  /** The key a {@value #CREATED} event records. */
  static KeyRecord fromCreated(RecordedEvent event) {
    JsonNode json = read(event);
    JsonNode expires = json.path("expiresAt");
    return new KeyRecord(
        json.path("id").asText(),
        json.path("name").asText(),
        Role.parse(json.path("role").asText()),
        new Scopes(strings(json.path("prefixes")), strings(json.path("categories"))),
        expires.isTextual() ? Instant.parse(expires.asText()) : null,
        json.path("ratePerSecond").asInt(0),
        json.path("secretHash").asText(),
        json.path("createdBy").asText(),
        event.timestamp(),
        null,
        json.path("tenant").isTextual() ? json.get("tenant").asText() : null,
        json.path("tenantId").isTextual() ? json.get("tenantId").asText() : null);
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(node -> out.add(node.asText()));
    return out;
  }
}
