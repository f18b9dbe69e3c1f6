package dev.factum.kafka;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.factum.api.RecordedEvent;
import dev.factum.wire.EventContent;
import dev.factum.wire.WireJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * The Kafka record of a Factum event: key = the stream name (so a stream stays in one partition, in
 * order), value = the event as the v1 JSON object the HTTP API serves (factum-wire's {@link
 * EventContent}), headers {@code id}, {@code type}, {@code stream}, {@code revision}, {@code
 * position}, {@code timestamp} as UTF-8 text, for consumers that route without parsing the value.
 */
final class EventRecords {
  static final List<String> HEADERS =
      List.of("id", "type", "stream", "revision", "position", "timestamp");

  private EventRecords() {}

  static ProducerRecord<byte[], byte[]> of(
      SinkDefinition definition, RecordedEvent event, byte[] value) {
    String timestamp = event.timestamp().toString();
    List<Header> headers =
        List.of(
            header("id", event.id().toString()),
            header("type", event.type()),
            header("stream", event.stream()),
            header("revision", Long.toString(event.revision())),
            header("position", Long.toString(event.position())),
            header("timestamp", timestamp));
    return new ProducerRecord<>(
        definition.topicFor(event.category()),
        null,
        event.stream().getBytes(StandardCharsets.UTF_8),
        value,
        headers);
  }

  /**
   * Encodes the values of many events with one generator over one buffer, reset per event: a
   * generator per event costs more than the encoding of a small event (profiled in docs/KAFKA.md).
   * Not thread-safe; one per page.
   */
  static final class Encoder implements AutoCloseable {
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
    private final JsonGenerator json;

    Encoder() {
      try {
        json = WireJson.factory().createGenerator(buffer);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      json.setRootValueSeparator(null);
    }

    byte[] value(RecordedEvent event) {
      buffer.reset();
      try {
        json.writeStartObject();
        EventContent.writeRecorded(json, event, true, EventRecords::text);
        json.writeEndObject();
        json.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return buffer.toByteArray();
    }

    @Override
    public void close() {
      try {
        json.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static String text(byte[] bytes, String what) {
    // Bytes from the store were checked to be one JSON value when they were appended.
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static Header header(String name, String value) {
    return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
