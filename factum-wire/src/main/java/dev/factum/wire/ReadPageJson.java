package dev.factum.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.Direction;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * A page of a read ({@code GET /streams/{stream}} and {@code GET /all}): {@code events}, {@code
 * next} (the link to the following page, or null), {@code endOfRead} and {@code headPosition}; a
 * stream's page also {@code firstRevision}, where its visible events start (a soft delete or its
 * metadata hide those below).
 *
 * <p>What must stay true on the way in: the server links the next page only while there is one, so
 * where it links none the reader rebuilds what the embedded store's {@link ReadPage#next()} would
 * be: -1 backward, and forward the cursor after the last event returned, or {@code from} when none
 * was. A page with a member missing is a {@link WireDecodingException}, never a default.
 */
public final class ReadPageJson {
  private ReadPageJson() {}

  /** How the caller writes one event object (the server's event writer). */
  @FunctionalInterface
  public interface EventWriter {
    void write(JsonGenerator json, RecordedEvent event) throws IOException;
  }

  /** The members of a page, inside an object the caller opened; {@code next} is a link or null. */
  public static void write(
      JsonGenerator json, ReadPage page, String next, long headPosition, EventWriter events)
      throws IOException {
    json.writeArrayFieldStart("events");
    for (RecordedEvent event : page.events()) {
      events.write(json, event);
    }
    json.writeEndArray();
    if (next == null) {
      json.writeNullField("next");
    } else {
      json.writeStringField("next", next);
    }
    json.writeBooleanField("endOfRead", page.endOfRead());
    json.writeNumberField("headPosition", headPosition);
    if (page.firstRevision() != ReadPage.NOT_A_STREAM) {
      json.writeNumberField("firstRevision", page.firstRevision());
    }
  }

  /** A page of a stream read that started at revision {@code from}. */
  public static ReadPage readStream(JsonNode body, long from, Direction direction) {
    return read(body, from, direction, RecordedEvent::revision);
  }

  /** A page of a global-log read that started at position {@code from}. */
  public static ReadPage readLog(JsonNode body, long from, Direction direction) {
    return read(body, from, direction, RecordedEvent::position);
  }

  /**
   * A page of a stream read that started at revision {@code from}, decoded from the response's
   * bytes in one pass where the body is as the server writes it ({@link PageDecoder}): the same
   * result and the same refusals as parsing it with {@link ExactJson#read} and {@link
   * #readStream(JsonNode, long, Direction)}, which decides every other body.
   *
   * @throws ExactJson.Malformed the body is not exactly one valid JSON value
   */
  public static ReadPage readStream(byte[] body, long from, Direction direction)
      throws ExactJson.Malformed {
    return page(PageDecoder.decode(body), from, direction, RecordedEvent::revision);
  }

  /**
   * A page of a global-log read, from its bytes, as {@link #readStream(byte[], long, Direction)}.
   */
  public static ReadPage readLog(byte[] body, long from, Direction direction)
      throws ExactJson.Malformed {
    return page(PageDecoder.decode(body), from, direction, RecordedEvent::position);
  }

  /**
   * Where the page after this one starts: its {@code next} link's {@code from}, or null when the
   * server linked none (the read is at its end).
   */
  public static Long linkedFrom(JsonNode body) {
    JsonNode link = body.path("next");
    if (!link.isTextual()) {
      return null;
    }
    try {
      return PageCursor.ofLink(link.asText()).from();
    } catch (IllegalArgumentException e) {
      throw new WireDecodingException("a next link without a position", body);
    }
  }

  /**
   * Where a reader that follows pages goes next: null at the end of the read ({@code endOfRead}),
   * else the {@code next} link's {@code from} (null when the server linked none).
   */
  public static Long continuesAt(JsonNode body) {
    return Fields.bool(body, "endOfRead") ? null : linkedFrom(body);
  }

  private static ReadPage read(
      JsonNode body, long from, Direction direction, ToLongFunction<RecordedEvent> cursor) {
    return page(treePage(body), from, direction, cursor);
  }

  /** What a page read by {@link ExactJson#read} holds (the tree path of {@link PageDecoder}). */
  static PageDecoder.Page treePage(JsonNode body) {
    List<RecordedEvent> events = new ArrayList<>();
    for (JsonNode event : Fields.array(body, "events")) {
      events.add(RecordedEventJson.read(event));
    }
    boolean end = Fields.bool(body, "endOfRead");
    JsonNode first = body.path("firstRevision");
    long firstRevision = first.isIntegralNumber() ? first.asLong() : ReadPage.NOT_A_STREAM;
    return new PageDecoder.Page(events, linkedFrom(body), end, firstRevision);
  }

  private static ReadPage page(
      PageDecoder.Page page, long from, Direction direction, ToLongFunction<RecordedEvent> cursor) {
    List<RecordedEvent> events = page.events();
    boolean end = page.endOfRead();
    Long linked = page.linkedFrom();
    long next;
    if (linked != null) {
      next = linked;
    } else if (direction == Direction.BACKWARD) {
      next = -1;
    } else {
      next = events.isEmpty() ? from : cursor.applyAsLong(events.getLast()) + 1;
    }
    return new ReadPage(events, next, end, page.firstRevision());
  }
}
