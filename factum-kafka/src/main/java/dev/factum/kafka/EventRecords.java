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

  static ProducerRecord<byte[], byte[]> of(SinkDefinition definition, RecordedEvent event) {
    List<Header> headers =
        List.of(
            header("id", event.id().toString()),
            header("type", event.type()),
            header("stream", event.stream()),
            header("revision", Long.toString(event.revision())),
            header("position", Long.toString(event.position())),
            header("timestamp", event.timestamp().toString()));
    return new ProducerRecord<>(
        definition.topicFor(event.category()),
        null,
        event.stream().getBytes(StandardCharsets.UTF_8),
        value(event),
        headers);
  }

  static byte[] value(RecordedEvent event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + event.data().length);
    try (JsonGenerator json = WireJson.factory().createGenerator(out)) {
      json.writeStartObject();
      // Bytes from the store were checked to be one JSON value when they were appended.
      EventContent.writeRecorded(
          json, event, true, (bytes, what) -> new String(bytes, StandardCharsets.UTF_8));
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static Header header(String name, String value) {
    return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
