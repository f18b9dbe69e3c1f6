package dev.factum.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.factum.api.EventData;
import dev.factum.api.RecordedEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;

/**
 * Writes the members of an event object, as pages, SSE and import bodies carry them: the header of
 * a recorded event ({@code id}, {@code stream}, {@code type}, {@code revision}, {@code position}
 * where the store has assigned one, {@code timestamp}), then the content: {@code contentType},
 * {@code data} (JSON verbatim, anything else as base64), {@code metadata} (verbatim, when present)
 * and {@code tags} (when there are any); then, for an event about a data subject, {@code subject}
 * and, once the subject is forgotten, {@code redacted: true}. The server renders events with it,
 * the client its import and append bodies, so the two cannot drift apart.
 *
 * <p>What must stay true: JSON data and metadata are embedded as the bytes they are, never
 * re-serialized; the caller decides, through {@link Verbatim}, whether those bytes must first be
 * checked to be exactly one JSON value (the client does, for bytes it did not read from a server).
 */
public final class EventContent {
  private EventContent() {}

  /** The text to embed for JSON bytes. */
  @FunctionalInterface
  public interface Verbatim {
    /**
     * @param what "event data" or "event metadata", for an error message
     */
    String text(byte[] json, String what);

    /** What the generator embeds: by default {@link #text}. */
    default SerializableString value(byte[] json, String what) {
      return new SerializedString(text(json, what));
    }
  }

  /**
   * For bytes the store has already checked (a recorded event's content): embedded as they are,
   * copied byte for byte into a UTF-8 generator's buffer without a {@code String} in between.
   */
  public static final Verbatim STORED =
      new Verbatim() {
        @Override
        public String text(byte[] json, String what) {
          return new String(json, StandardCharsets.UTF_8);
        }

        @Override
        public SerializableString value(byte[] json, String what) {
          return new RawJson(json);
        }
      };

  /**
   * Writes the members of a recorded event (not the enclosing braces).
   *
   * @param withPosition whether to write {@code position}: an import carries none, since the
   *     importing store assigns positions
   */
  public static void writeRecorded(
      JsonGenerator json, RecordedEvent event, boolean withPosition, Verbatim verbatim)
      throws IOException {
    writeRecorded(json, event, withPosition, verbatim, event.timestamp().toString());
  }

  /**
   * As {@link #writeRecorded(JsonGenerator, RecordedEvent, boolean, Verbatim)}, with the event's
   * timestamp already formatted ({@code Instant.toString}), for a writer of many events that share
   * one commit's timestamp (the Kafka sink formats each distinct one once).
   */
  public static void writeRecorded(
      JsonGenerator json,
      RecordedEvent event,
      boolean withPosition,
      Verbatim verbatim,
      String timestamp)
      throws IOException {
    json.writeStringField("id", event.id().toString());
    json.writeStringField("stream", event.stream());
    json.writeStringField("type", event.type());
    json.writeNumberField("revision", event.revision());
    if (withPosition) {
      json.writeNumberField("position", event.position());
    }
    json.writeStringField("timestamp", timestamp);
    write(json, event.contentType(), event.data(), event.metadata(), event.tags(), verbatim);
    if (event.subject() != null) {
      json.writeStringField("subject", event.subject());
    }
    if (event.redacted()) {
      json.writeBooleanField("redacted", true);
    }
  }

  /** Writes the content members of an event (not the enclosing braces). */
  public static void write(
      JsonGenerator json,
      String contentType,
      byte[] data,
      byte[] metadata,
      Collection<String> tags,
      Verbatim verbatim)
      throws IOException {
    json.writeStringField("contentType", contentType);
    json.writeFieldName("data");
    if (contentType.equals(EventData.JSON)) {
      json.writeRawValue(verbatim.value(data, "event data"));
    } else {
      json.writeString(Base64.getEncoder().encodeToString(data));
    }
    if (metadata != null) {
      json.writeFieldName("metadata");
      json.writeRawValue(verbatim.value(metadata, "event metadata"));
    }
    if (!tags.isEmpty()) {
      json.writeArrayFieldStart("tags");
      for (String tag : tags) {
        json.writeString(tag);
      }
      json.writeEndArray();
    }
  }
}
