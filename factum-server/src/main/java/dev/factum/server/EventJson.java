package dev.factum.server;

import dev.factum.api.EventData;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * Renders the read paths' JSON, a page of events ({@code GET /streams/{stream}}, {@code GET /all},
 * the audit log) or one event (an SSE frame's data), straight from the recorded events into one
 * {@link JsonOutput} sized for them up front.
 *
 * <p>Design note: this is the server's side of a read over HTTP, and it was most of it (JFR of
 * {@code bin/bench compare}, 2026-12-03): Jackson's generator writing each id, timestamp and number
 * through a {@code String}, {@code Instant.toString} for every event, and the page's buffer doubled
 * and copied on the way. Here an event's id and numbers are written as bytes, a timestamp is
 * formatted once for a run of events that share it (one commit's events do), and the stored JSON of
 * {@code data} and {@code metadata} is copied in as it is.
 *
 * <p>What must stay true: the bytes are exactly those of {@link dev.factum.wire.ReadPageJson#write}
 * with {@link WireFormat#writeEvent} on the Jackson generator of {@link WireFormat#JSON} (the
 * members, their order, their spelling: {@code EventJsonTest} compares the two on random events),
 * so the wire contract cannot drift. Not thread-safe: one renderer per response (or per SSE
 * session).
 */
final class EventJson {
  private static final byte[] EVENTS = ascii("{\"events\":[");
  private static final byte[] ID = ascii("{\"id\":");
  private static final byte[] STREAM = ascii(",\"stream\":");
  private static final byte[] TYPE = ascii(",\"type\":");
  private static final byte[] REVISION = ascii(",\"revision\":");
  private static final byte[] POSITION = ascii(",\"position\":");
  private static final byte[] TIMESTAMP = ascii(",\"timestamp\":");
  private static final byte[] CONTENT_TYPE = ascii(",\"contentType\":");
  private static final byte[] DATA = ascii(",\"data\":");
  private static final byte[] METADATA = ascii(",\"metadata\":");
  private static final byte[] TAGS = ascii(",\"tags\":[");
  private static final byte[] SUBJECT = ascii(",\"subject\":");
  private static final byte[] REDACTED = ascii(",\"redacted\":true");
  private static final byte[] NEXT = ascii("],\"next\":");
  private static final byte[] NULL = ascii("null");
  private static final byte[] END_OF_READ = ascii(",\"endOfRead\":");
  private static final byte[] TRUE = ascii("true");
  private static final byte[] FALSE = ascii("false");
  private static final byte[] HEAD_POSITION = ascii(",\"headPosition\":");
  private static final byte[] FIRST_REVISION = ascii(",\"firstRevision\":");
  private static final byte[] JSON_CONTENT = ascii("\"" + EventData.JSON + "\"");

  /** Bytes of an event beyond its data, metadata and names: members, id, numbers, timestamp. */
  private static final int EVENT_OVERHEAD = 256;

  private Instant lastTimestamp;
  private byte[] lastTimestampJson;

  /** The page object, as {@code ReadPageJson.write} in an object with {@code writeEvent}. */
  JsonOutput page(ReadPage page, String next, long headPosition) {
    int size = 128 + (next == null ? 0 : next.length());
    for (RecordedEvent event : page.events()) {
      size += estimate(event);
    }
    JsonOutput out = new JsonOutput(size);
    out.add(EVENTS);
    boolean first = true;
    for (RecordedEvent event : page.events()) {
      if (!first) {
        out.add((byte) ',');
      }
      first = false;
      event(out, event);
    }
    out.add(NEXT);
    if (next == null) {
      out.add(NULL);
    } else {
      out.string(next);
    }
    out.add(END_OF_READ);
    out.add(page.endOfRead() ? TRUE : FALSE);
    out.add(HEAD_POSITION);
    out.number(headPosition);
    if (page.firstRevision() != ReadPage.NOT_A_STREAM) {
      out.add(FIRST_REVISION);
      out.number(page.firstRevision());
    }
    out.add((byte) '}');
    return out;
  }

  /** One event as a standalone JSON object, as {@code WireFormat.writeEvent} alone writes it. */
  byte[] event(RecordedEvent event) {
    JsonOutput out = new JsonOutput(estimate(event));
    event(out, event);
    return out.toByteArray();
  }

  private static int estimate(RecordedEvent event) {
    int size =
        EVENT_OVERHEAD
            + event.data().length * (event.contentType().equals(EventData.JSON) ? 1 : 2)
            + (event.metadata() == null ? 0 : event.metadata().length)
            + 2 * (event.stream().length() + event.type().length());
    for (String tag : event.tags()) {
      size += tag.length() + 4;
    }
    return size;
  }

  private void event(JsonOutput out, RecordedEvent event) {
    UUID id = event.id();
    out.add(ID);
    out.uuid(id.getMostSignificantBits(), id.getLeastSignificantBits());
    out.add(STREAM);
    out.string(event.stream());
    out.add(TYPE);
    out.string(event.type());
    out.add(REVISION);
    out.number(event.revision());
    out.add(POSITION);
    out.number(event.position());
    out.add(TIMESTAMP);
    out.add(timestamp(event.timestamp()));
    out.add(CONTENT_TYPE);
    boolean json = event.contentType().equals(EventData.JSON);
    if (json) {
      out.add(JSON_CONTENT);
    } else {
      out.string(event.contentType());
    }
    out.add(DATA);
    if (json) {
      out.add(event.data());
    } else {
      out.add((byte) '"');
      out.add(Base64.getEncoder().encode(event.data())); // base64 needs no escaping
      out.add((byte) '"');
    }
    if (event.metadata() != null) {
      out.add(METADATA);
      out.add(event.metadata());
    }
    if (!event.tags().isEmpty()) {
      out.add(TAGS);
      boolean first = true;
      for (String tag : event.tags()) {
        if (!first) {
          out.add((byte) ',');
        }
        first = false;
        out.string(tag);
      }
      out.add((byte) ']');
    }
    if (event.subject() != null) {
      out.add(SUBJECT);
      out.string(event.subject());
    }
    if (event.redacted()) {
      out.add(REDACTED);
    }
    out.add((byte) '}');
  }

  /** The quoted {@code Instant.toString} of {@code timestamp}, formatted once per run of equals. */
  private byte[] timestamp(Instant timestamp) {
    if (!timestamp.equals(lastTimestamp)) {
      lastTimestamp = timestamp;
      lastTimestampJson = ascii("\"" + timestamp + "\"");
    }
    return lastTimestampJson;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
