package dev.factum.server;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A key as {@code /admin/keys} and {@code factum keys} show it: id, name, role, scopes, expiry,
 * rate, who created it and when, and its state. Never the secret or its hash.
 */
final class KeyJson {
  private KeyJson() {}

  static void write(JsonGenerator json, KeyRecord key) throws IOException {
    json.writeStringField("id", key.id());
    json.writeStringField("name", key.name());
    json.writeStringField("role", key.role().id());
    json.writeArrayFieldStart("prefixes");
    for (String prefix : key.scopes().prefixes()) {
      json.writeString(prefix);
    }
    json.writeEndArray();
    json.writeArrayFieldStart("categories");
    for (String category : key.scopes().categories()) {
      json.writeString(category);
    }
    json.writeEndArray();
    instant(json, "expiresAt", key.expiresAt());
    if (key.ratePerSecond() > 0) {
      json.writeNumberField("ratePerSecond", key.ratePerSecond());
    } else {
      json.writeNullField("ratePerSecond");
    }
    if (key.tenant() == null) {
      json.writeNullField("tenant");
    } else {
      json.writeStringField("tenant", key.tenant());
    }
    json.writeStringField("createdBy", key.createdBy());
    instant(json, "createdAt", key.createdAt());
    instant(json, "revokedAt", key.revokedAt());
    String status =
        key.revokedAt() != null ? "revoked" : key.validAt(Instant.now()) ? "active" : "expired";
    json.writeStringField("status", status);
  }

  private static void instant(JsonGenerator json, String field, Instant value) throws IOException {
    if (value == null) {
      json.writeNullField(field);
    } else {
      json.writeStringField(field, value.toString());
    }
  }

  /** One key as a JSON object, with the key string when it was just created (else null). */
  static String object(KeyRecord key, String keyString) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = WireFormat.generator(out)) {
      json.writeStartObject();
      write(json, key);
      if (keyString != null) {
        json.writeStringField("key", keyString);
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
