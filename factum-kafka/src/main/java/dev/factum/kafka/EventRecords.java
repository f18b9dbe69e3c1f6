package dev.factum.kafka;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.factum.api.RecordedEvent;
import dev.factum.wire.EventContent;
import dev.factum.wire.WireJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The Kafka record of a Factum event: key = the stream name (so a stream stays in one partition, in
 * order), value = the event as the v1 JSON object the HTTP API serves (factum-wire's {@link
 * EventContent}), headers {@code id}, {@code type}, {@code stream}, {@code revision}, {@code
 * position}, {@code timestamp} as UTF-8 text, for consumers that route without parsing the value.
 */
final class EventRecords {
  private EventRecords() {}

  /**
   * Encodes the records of many events with one generator over one buffer, reset per event: a
   * generator per event costs more than the encoding of a small event (profiled in docs/KAFKA.md).
   * The events of one commit share a timestamp, so the last one formatted is kept; the stream's
   * bytes (key and header) are encoded once per record. Not thread-safe; one per page.
   */
  static final class Encoder implements AutoCloseable {
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
    private final JsonGenerator json;
    private Instant lastInstant;
    private String lastTimestamp;
    private byte[] lastTimestampBytes;

    Encoder() {
      try {
        json = WireJson.factory().createGenerator(buffer);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      json.setRootValueSeparator(null);
    }

    /** The record of {@code event} for {@code definition}'s topic. */
    ProducerRecord<byte[], byte[]> record(SinkDefinition definition, RecordedEvent event) {
      if (!event.timestamp().equals(lastInstant)) {
        lastInstant = event.timestamp();
        lastTimestamp = lastInstant.toString();
        lastTimestampBytes = lastTimestamp.getBytes(StandardCharsets.US_ASCII);
      }
      byte[] stream = event.stream().getBytes(StandardCharsets.UTF_8);
      Header[] headers = {
        new RecordHeader("id", ascii(event.id().toString())),
        new RecordHeader("type", event.type().getBytes(StandardCharsets.UTF_8)),
        new RecordHeader("stream", stream),
        new RecordHeader("revision", ascii(Long.toString(event.revision()))),
        new RecordHeader("position", ascii(Long.toString(event.position()))),
        new RecordHeader("timestamp", lastTimestampBytes)
      };
      return new ProducerRecord<>(
          definition.topicFor(event.category()),
          null,
          null,
          stream,
          value(event),
          new RecordHeaders(headers));
    }

    private byte[] value(RecordedEvent event) {
      buffer.reset();
      try {
        json.writeStartObject();
        // Bytes from the store were checked to be one JSON value when they were appended.
        EventContent.writeRecorded(json, event, true, EventContent.STORED, lastTimestamp);
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

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1); // digits, hex and '-': one byte each
  }
}
