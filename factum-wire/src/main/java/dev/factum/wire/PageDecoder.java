package dev.factum.wire;

import com.fasterxml.jackson.core.JsonToken;
import dev.factum.api.EventData;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Reads a page of events ({@code GET /streams/{stream}}, {@code GET /all}) straight from its bytes
 * into {@link RecordedEvent}s, token by token, without the tree {@link ExactJson#read} would build
 * first (an object node, a map of raw members and a node per field, for every event).
 *
 * <p>Why: a client that catches up reads pages of a thousand events, and building and then walking
 * the tree was the largest part of its CPU per event (docs/BENCHMARKS.md, "Where the time goes over
 * HTTP").
 *
 * <p>What must stay true: it accepts and refuses exactly what the tree path does. Every check of
 * {@link ExactJson} applies (strict UTF-8, valid Unicode strings, no duplicate keys, one value, no
 * trailing content: the same {@link ExactJson.Malformed}); an event's {@code data} and {@code
 * metadata} are their exact bytes as sent; a member that is missing or of the wrong type is a
 * {@link WireDecodingException}, never a default; members it does not know are checked and skipped,
 * as the tree path ignores them. {@code PageDecoderTest} decodes the same bodies both ways and
 * compares.
 */
final class PageDecoder {
  /**
   * What a page holds, before {@link ReadPageJson} works out where the next one starts; {@code
   * firstRevision} is a stream page's first visible revision ({@link ReadPage#NOT_A_STREAM} when
   * the page has none, as a log page).
   */
  record Page(List<RecordedEvent> events, Long linkedFrom, boolean endOfRead, long firstRevision) {}

  private final ExactJson.Tokens tokens;

  private PageDecoder(ExactJson.Tokens tokens) {
    this.tokens = tokens;
  }

  static Page decode(byte[] body) throws ExactJson.Malformed {
    return ExactJson.decode(
        WireJson.factory(), body, true, (tokens, first) -> new PageDecoder(tokens).page(first));
  }

  /** One event object on its own (an SSE {@code data:} line), checked as an event of a page. */
  static RecordedEvent decodeEvent(byte[] body) throws ExactJson.Malformed {
    return ExactJson.decode(
        WireJson.factory(), body, true, (tokens, first) -> new PageDecoder(tokens).event(first, 0));
  }

  private Page page(JsonToken first) throws IOException, ExactJson.Malformed {
    if (first != JsonToken.START_OBJECT) {
      throw shape("a page that is not an object");
    }
    List<RecordedEvent> events = null;
    Long linkedFrom = null;
    Boolean end = null;
    long firstRevision = ReadPage.NOT_A_STREAM;
    for (JsonToken token = tokens.next(); token == JsonToken.FIELD_NAME; token = tokens.next()) {
      String name = tokens.name();
      JsonToken value = tokens.next();
      tokens.enter(name);
      switch (name) {
        case "events" -> events = events(value);
        case "next" -> linkedFrom = link(value);
        case "endOfRead" -> {
          if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE) {
            throw shape("no 'endOfRead' boolean");
          }
          end = value == JsonToken.VALUE_TRUE;
        }
        case "firstRevision" -> {
          Long revision = value == JsonToken.VALUE_NUMBER_INT ? tokens.longValue() : null;
          if (revision == null) {
            tokens.skip(value);
          } else {
            firstRevision = revision;
          }
        }
        default -> tokens.skip(value);
      }
      tokens.leave();
    }
    if (events == null) {
      throw shape("no 'events' array");
    }
    if (end == null) {
      throw shape("no 'endOfRead' boolean");
    }
    return new Page(events, linkedFrom, end, firstRevision);
  }

  private Long link(JsonToken value) throws IOException, ExactJson.Malformed {
    if (value != JsonToken.VALUE_STRING) {
      tokens.skip(value); // as the tree path: anything but a string links no page
      return null;
    }
    String link = tokens.text();
    try {
      return PageCursor.ofLink(link).from();
    } catch (IllegalArgumentException e) {
      throw shape("a next link without a position");
    }
  }

  private List<RecordedEvent> events(JsonToken value) throws IOException, ExactJson.Malformed {
    if (value != JsonToken.START_ARRAY) {
      throw shape("no 'events' array");
    }
    List<RecordedEvent> events = new ArrayList<>();
    for (JsonToken token = tokens.next(); token != JsonToken.END_ARRAY; token = tokens.next()) {
      tokens.enter(Integer.toString(events.size()));
      events.add(event(token, events.size()));
      tokens.leave();
    }
    return events;
  }

  /** The members of one event, as {@link RecordedEventJson#read} takes them from a tree. */
  private RecordedEvent event(JsonToken first, int index) throws IOException, ExactJson.Malformed {
    String where = "event " + index + " of the page";
    if (first != JsonToken.START_OBJECT) {
      throw new WireDecodingException("an event that is not an object", where);
    }
    String id = null;
    String stream = null;
    String type = null;
    String contentType = null;
    String timestamp = null;
    Long revision = null;
    Long position = null;
    byte[] data = null;
    String dataText = null;
    byte[] metadata = null;
    Set<String> tags = Set.of();
    String subject = null;
    boolean redacted = false;
    for (JsonToken token = tokens.next(); token == JsonToken.FIELD_NAME; token = tokens.next()) {
      String name = tokens.name();
      JsonToken value = tokens.next();
      tokens.enter(name);
      switch (name) {
        case "id" -> id = text(value, name, where);
        case "stream" -> stream = text(value, name, where);
        case "type" -> type = text(value, name, where);
        case "contentType" -> contentType = text(value, name, where);
        case "timestamp" -> timestamp = text(value, name, where);
        case "revision" -> revision = number(value, name, where);
        case "position" -> position = number(value, name, where);
        case "data" -> {
          dataText = value == JsonToken.VALUE_STRING ? tokens.text() : null;
          data = tokens.raw(value);
        }
        case "metadata" -> metadata = value == JsonToken.VALUE_NULL ? null : tokens.raw(value);
        case "tags" -> tags = tags(value, where);
        case "subject" -> subject = value == JsonToken.VALUE_NULL ? null : text(value, name, where);
        case "redacted" -> {
          if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE) {
            tokens.skip(value);
            throw new WireDecodingException("no 'redacted' boolean", where);
          }
          redacted = value == JsonToken.VALUE_TRUE;
        }
        default -> tokens.skip(value);
      }
      tokens.leave();
    }
    require(contentType, "contentType", where);
    if (data == null) {
      throw new WireDecodingException("an event without data", where);
    }
    byte[] content;
    UUID uuid;
    Instant at;
    try {
      if (contentType.equals(EventData.JSON)) {
        content = data;
      } else if (dataText != null) {
        content = Base64.getDecoder().decode(dataText);
      } else {
        throw new IllegalArgumentException("binary data that is not a base64 string");
      }
      uuid = UUID.fromString(require(id, "id", where));
      at = Timestamps.parse(require(timestamp, "timestamp", where));
    } catch (WireDecodingException known) {
      throw known;
    } catch (RuntimeException e) {
      throw new WireDecodingException("an undecodable event (" + e.getMessage() + ")", where);
    }
    return new RecordedEvent(
        uuid,
        require(stream, "stream", where),
        requireNumber(revision, "revision", where),
        requireNumber(position, "position", where),
        at,
        require(type, "type", where),
        contentType,
        content,
        metadata,
        tags,
        subject,
        redacted);
  }

  private Set<String> tags(JsonToken value, String where) throws IOException, ExactJson.Malformed {
    if (value != JsonToken.START_ARRAY) {
      tokens.skip(value); // as the tree path, which iterates nothing that is not an array
      return Set.of();
    }
    Set<String> tags = new LinkedHashSet<>();
    for (JsonToken token = tokens.next(); token != JsonToken.END_ARRAY; token = tokens.next()) {
      if (token != JsonToken.VALUE_STRING) {
        throw new WireDecodingException("a tag that is not a string", where);
      }
      tags.add(tokens.text());
    }
    return Set.copyOf(tags);
  }

  private String text(JsonToken value, String name, String where)
      throws IOException, ExactJson.Malformed {
    if (value != JsonToken.VALUE_STRING) {
      tokens.skip(value);
      throw new WireDecodingException("no '" + name + "' string", where);
    }
    return tokens.text();
  }

  private Long number(JsonToken value, String name, String where)
      throws IOException, ExactJson.Malformed {
    Long number = tokens.longValue();
    if (number == null) {
      tokens.skip(value);
      throw new WireDecodingException("no '" + name + "' number", where);
    }
    return number;
  }

  private static String require(String value, String name, String where) {
    if (value == null) {
      throw new WireDecodingException("no '" + name + "' string", where);
    }
    return value;
  }

  private static long requireNumber(Long value, String name, String where) {
    if (value == null) {
      throw new WireDecodingException("no '" + name + "' number", where);
    }
    return value;
  }

  private static WireDecodingException shape(String what) {
    return new WireDecodingException(what, "the page");
  }
}
