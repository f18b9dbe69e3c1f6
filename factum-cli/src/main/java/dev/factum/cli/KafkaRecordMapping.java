package dev.factum.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.factum.api.EventData;
import dev.factum.wire.WireJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * How one Kafka record becomes one Factum event, or why it does not: the stream (from the key, a
 * prefix plus the key, or a header), the type (fixed, or from a header), the data (the value when
 * it is JSON; else skipped or kept as raw bytes, as the operator chose), the metadata (the record's
 * topic, partition, offset, timestamp and UTF-8 headers) and the event id.
 *
 * <p>What must stay true: the mapping is a pure function of the record and the options, and the
 * event id is derived from (topic, partition, offset) alone, so a rerun or a resume after a crash
 * produces exactly the same events with exactly the same ids, which the store recognises as retries
 * and does not write again. A record is never dropped without being counted under its reason.
 */
final class KafkaRecordMapping {
  /** Where a record's stream name comes from. */
  sealed interface StreamRule {
    /** The key itself. */
    record Key() implements StreamRule {}

    /** A fixed prefix followed by the key. */
    record PrefixedKey(String prefix) implements StreamRule {}

    /** The UTF-8 value of a header. */
    record FromHeader(String header) implements StreamRule {}
  }

  /** What happens to records whose stream cannot be derived (no key, no header, not a name). */
  sealed interface Unkeyed {
    /** Counted and left out. */
    record Skip() implements Unkeyed {}

    /** Appended to one fixed stream. */
    record ToStream(String stream) implements Unkeyed {}
  }

  /** The outcome for one record. */
  sealed interface Outcome {}

  /** The record becomes {@code event} in {@code stream}; {@code raw} when its value is not JSON. */
  record Mapped(String stream, EventData event, boolean raw) implements Outcome {}

  /** The record is left out, counted under {@code reason}. */
  record Skipped(SkipReason reason) implements Outcome {}

  /** Why a record was left out. */
  enum SkipReason {
    NO_STREAM("no key (or no stream header), or one that is not a valid stream name"),
    NOT_JSON("value is not JSON (or is null)");

    final String description;

    SkipReason(String description) {
      this.description = description;
    }
  }

  private static final int MAX_NAME_BYTES = 256;

  private final StreamRule streamRule;
  private final Unkeyed unkeyed;
  private final String type;
  private final String typeHeader;
  private final boolean keepRaw;

  /**
   * @param type the event type of every record ({@code typeHeader}'s value wins where present)
   * @param typeHeader a header naming the type, or null
   * @param keepRaw whether values that are not JSON are kept as {@code application/octet-stream}
   */
  KafkaRecordMapping(
      StreamRule streamRule, Unkeyed unkeyed, String type, String typeHeader, boolean keepRaw) {
    this.streamRule = streamRule;
    this.unkeyed = unkeyed;
    this.type = type;
    this.typeHeader = typeHeader;
    this.keepRaw = keepRaw;
  }

  boolean keepsRaw() {
    return keepRaw;
  }

  /** The event id of the record at (topic, partition, offset): the same on every run. */
  static UUID eventId(String topic, int partition, long offset) {
    return UUID.nameUUIDFromBytes(
        ("factum-kafka-import\u0000" + topic + "\u0000" + partition + "\u0000" + offset)
            .getBytes(StandardCharsets.UTF_8));
  }

  Outcome map(ConsumerRecord<byte[], byte[]> record) {
    String stream = stream(record);
    if (stream == null) {
      if (unkeyed instanceof Unkeyed.ToStream(String fixed)) {
        stream = fixed;
      } else {
        return new Skipped(SkipReason.NO_STREAM);
      }
    }
    byte[] value = record.value();
    boolean json = value != null && isJson(value);
    if (!json && !keepRaw) {
      return new Skipped(SkipReason.NOT_JSON);
    }
    EventData event =
        new EventData(
            eventId(record.topic(), record.partition(), record.offset()),
            type(record),
            json ? EventData.JSON : EventData.BINARY,
            value == null ? new byte[0] : value,
            metadata(record),
            Set.of());
    return new Mapped(stream, event, !json);
  }

  private String stream(ConsumerRecord<byte[], byte[]> record) {
    String name =
        switch (streamRule) {
          case StreamRule.Key() -> utf8(record.key());
          case StreamRule.PrefixedKey(String prefix) -> {
            String key = utf8(record.key());
            yield key == null || key.isEmpty() ? null : prefix + key;
          }
          case StreamRule.FromHeader(String header) -> header(record, header);
        };
    return validName(name) ? name : null;
  }

  private String type(ConsumerRecord<byte[], byte[]> record) {
    if (typeHeader != null) {
      String fromHeader = header(record, typeHeader);
      if (validName(fromHeader)) {
        return fromHeader;
      }
    }
    return type;
  }

  /** A stream or type name the store accepts: 1–256 UTF-8 bytes, no controls, no leading '$'. */
  static boolean validName(String name) {
    if (name == null
        || name.isEmpty()
        || name.startsWith("$")
        || name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
      return false;
    }
    return name.codePoints().noneMatch(Character::isISOControl);
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : utf8(header.value());
  }

  /** The bytes as text if they are valid UTF-8, else null. */
  static String utf8(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /**
   * Whether the value is one JSON value, every string decoded (so bad UTF-8 is found). The store
   * has the last word: a value it still refuses is treated as not JSON (see {@link KafkaImport}).
   */
  static boolean isJson(byte[] value) {
    try (JsonParser parser = WireJson.factory().createParser(value)) {
      int depth = 0;
      JsonToken token = parser.nextToken();
      if (token == null) {
        return false;
      }
      do {
        switch (token) {
          case START_OBJECT, START_ARRAY -> depth++;
          case END_OBJECT, END_ARRAY -> depth--;
          case FIELD_NAME, VALUE_STRING -> parser.getText();
          default -> {}
        }
        token = parser.nextToken();
      } while (depth > 0 && token != null);
      return depth == 0 && token == null;
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code {"kafka": {"topic", "partition", "offset", "timestamp", "headers": {...}}}}. */
  private static byte[] metadata(ConsumerRecord<byte[], byte[]> record) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(160);
    try (JsonGenerator json = WireJson.factory().createGenerator(out)) {
      json.writeStartObject();
      json.writeObjectFieldStart("kafka");
      json.writeStringField("topic", record.topic());
      json.writeNumberField("partition", record.partition());
      json.writeNumberField("offset", record.offset());
      json.writeNumberField("timestamp", record.timestamp());
      json.writeObjectFieldStart("headers");
      for (Header header : record.headers()) {
        String text = utf8(header.value());
        if (text != null) {
          json.writeStringField(header.key(), text);
        }
      }
      json.writeEndObject();
      json.writeEndObject();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
