package dev.factum.wire;

import dev.factum.api.EventData;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Reads a page of events ({@code GET /streams/{stream}}, {@code GET /all}) or one event (an SSE
 * {@code data:} line) from its bytes into {@link RecordedEvent}s in one pass over the bytes ({@link
 * JsonBytes}), without tokens or a tree.
 *
 * <p>Why: a client that catches up reads pages of a thousand events, and its decoding was most of
 * its CPU per event (docs/BENCHMARKS.md, "Where the time goes over HTTP").
 *
 * <p>Design note: two paths. The fast path reads the page shape the server writes (any order of
 * members, unknown members checked and skipped, events' content sliced as its exact bytes) and
 * <em>vouches</em> for its result only when everything in the body is plainly well-formed and of
 * the expected types. Anything else, a refusal as much as an odd-but-legal body (an escaped member
 * name, tags that are not strings, binary data that is not a string, a revision beyond 18 digits),
 * makes it give up, and the tree path ({@link ExactJson#read}, then {@link ReadPageJson}'s and
 * {@link RecordedEventJson}'s tree readers) decides the body alone: its result, its exception.
 *
 * <p>What must stay true: whenever the fast path returns, the tree path would have returned an
 * equal result; it never throws. So every refusal is the tree path's ({@link ExactJson.Malformed}
 * or {@link WireDecodingException}, worded as ever). {@code PageDecoderTest} and {@code
 * PageDecoderDifferentialTest} compare the two on fixed, random and mutated bodies.
 */
final class PageDecoder {
  /**
   * What a page holds, before {@link ReadPageJson} works out where the next one starts; {@code
   * firstRevision} is a stream page's first visible revision ({@link ReadPage#NOT_A_STREAM} when
   * the page has none, as a log page).
   */
  record Page(List<RecordedEvent> events, Long linkedFrom, boolean endOfRead, long firstRevision) {}

  private static final byte[] EVENTS = ascii("events");
  private static final byte[] NEXT = ascii("next");
  private static final byte[] END_OF_READ = ascii("endOfRead");
  private static final byte[] FIRST_REVISION = ascii("firstRevision");
  private static final byte[] JSON_TYPE = ascii(EventData.JSON);

  /** The value of each hex digit by its byte, -1 for any other byte. */
  private static final byte[] HEX = new byte[256];

  static {
    Arrays.fill(HEX, (byte) -1);
    for (int c = 0; c < 256; c++) {
      int digit = Character.digit(c, 16);
      if (digit >= 0 && c < 0x80) {
        HEX[c] = (byte) digit;
      }
    }
  }

  /** An event's members, in the order of the bits that mark them seen. */
  private static final byte[][] MEMBERS = {
    ascii("id"),
    ascii("stream"),
    ascii("type"),
    ascii("revision"),
    ascii("position"),
    ascii("timestamp"),
    ascii("contentType"),
    ascii("data"),
    ascii("metadata"),
    ascii("tags"),
    ascii("subject"),
    ascii("redacted")
  };

  private static final int ID = 0;
  private static final int STREAM = 1;
  private static final int TYPE = 2;
  private static final int REVISION = 3;
  private static final int POSITION = 4;
  private static final int TIMESTAMP = 5;
  private static final int CONTENT_TYPE = 6;
  private static final int DATA = 7;
  private static final int METADATA = 8;
  private static final int TAGS = 9;
  private static final int SUBJECT = 10;
  private static final int REDACTED = 11;

  /** The members an event must have (metadata, tags, subject and redacted are optional). */
  private static final int REQUIRED =
      (1 << ID)
          | (1 << STREAM)
          | (1 << TYPE)
          | (1 << REVISION)
          | (1 << POSITION)
          | (1 << TIMESTAMP)
          | (1 << CONTENT_TYPE)
          | (1 << DATA);

  private final JsonBytes json;
  private final byte[] bytes;

  private PageDecoder(byte[] body) {
    this.json = new JsonBytes(body);
    this.bytes = body;
  }

  /**
   * A page from its bytes, with the same result and the same refusals as the tree path.
   *
   * @throws ExactJson.Malformed the body is not exactly one valid JSON value
   */
  static Page decode(byte[] body) throws ExactJson.Malformed {
    Page fast = fast(body);
    return fast != null
        ? fast
        : ReadPageJson.treePage(ExactJson.read(WireJson.factory(), body, true));
  }

  /** One event object on its own (an SSE {@code data:} line), as {@link #decode} reads a page. */
  static RecordedEvent decodeEvent(byte[] body) throws ExactJson.Malformed {
    RecordedEvent fast = fastEvent(body);
    return fast != null
        ? fast
        : RecordedEventJson.read(ExactJson.read(WireJson.factory(), body, true));
  }

  /** The fast path's page, or null when it cannot vouch for one (the tree path decides). */
  static Page fast(byte[] body) {
    try {
      return new PageDecoder(body).page();
    } catch (RuntimeException unsure) { // JsonBytes.Unsure, or a member the tree path must judge
      return null;
    }
  }

  /** The fast path's event, or null when it cannot vouch for one. */
  static RecordedEvent fastEvent(byte[] body) {
    try {
      PageDecoder decoder = new PageDecoder(body);
      RecordedEvent event = decoder.event(0);
      decoder.json.end();
      return event;
    } catch (RuntimeException unsure) {
      return null;
    }
  }

  private Page page() {
    JsonBytes.enter(0);
    json.expect('{');
    List<RecordedEvent> events = null;
    Long linkedFrom = null;
    Boolean end = null;
    long firstRevision = ReadPage.NOT_A_STREAM;
    int seen = 0;
    int mark = json.open();
    if (!json.empty('}')) {
      do {
        int from = json.name();
        int to = json.nameTo();
        int member = pageMember(from, to);
        if (member < 0) {
          json.distinct(mark, from, to);
          json.skip(1);
          continue;
        }
        if ((seen & member) != 0) {
          throw JsonBytes.Unsure.INSTANCE; // a duplicate: the tree path refuses it
        }
        seen |= member;
        switch (member) {
          case 1 -> events = events();
          case 2 -> linkedFrom = json.nullValue() ? null : PageCursor.ofLink(json.text()).from();
          case 4 -> end = json.bool();
          default -> firstRevision = json.longValue();
        }
      } while (json.more('}'));
    }
    json.end();
    if (events == null || end == null) {
      throw JsonBytes.Unsure.INSTANCE;
    }
    return new Page(events, linkedFrom, end, firstRevision);
  }

  private List<RecordedEvent> events() {
    JsonBytes.enter(1);
    json.expect('[');
    List<RecordedEvent> events = new ArrayList<>();
    if (!json.empty(']')) {
      do {
        events.add(event(2));
      } while (json.more(']'));
    }
    return events;
  }

  /** One event object, inside a container at {@code depth} (0: the document itself). */
  private RecordedEvent event(int depth) {
    JsonBytes.enter(depth);
    json.expect('{');
    int seen = 0;
    UUID id = null;
    String stream = null;
    String type = null;
    long revision = 0;
    long position = 0;
    Instant timestamp = null;
    String contentType = null;
    int dataFrom = 0;
    int dataTo = 0;
    boolean dataEscaped = false;
    byte[] metadata = null;
    Set<String> tags = Set.of();
    String subject = null;
    boolean redacted = false;
    int mark = json.open();
    if (!json.empty('}')) {
      do {
        int from = json.name();
        int to = json.nameTo();
        int member = member(from, to);
        if (member < 0) {
          json.distinct(mark, from, to);
          json.skip(depth + 1);
          continue;
        }
        if ((seen & (1 << member)) != 0) {
          throw JsonBytes.Unsure.INSTANCE; // a duplicate: the tree path refuses it
        }
        seen |= (1 << member);
        switch (member) {
          case ID -> id = uuid();
          case STREAM -> stream = json.text();
          case TYPE -> type = json.text();
          case REVISION -> revision = json.longValue();
          case POSITION -> position = json.longValue();
          case TIMESTAMP -> timestamp = timestamp();
          case CONTENT_TYPE -> contentType = contentType();
          case DATA -> {
            json.peek();
            dataFrom = json.position();
            json.skip(depth + 1);
            dataTo = json.position();
            dataEscaped = bytes[dataFrom] == '"' && json.escaped();
          }
          case METADATA -> {
            if (!json.nullValue()) {
              int start = json.position();
              json.skip(depth + 1);
              metadata = Arrays.copyOfRange(bytes, start, json.position());
            }
          }
          case TAGS -> tags = tags();
          case SUBJECT -> subject = json.nullValue() ? null : json.text();
          case REDACTED -> redacted = json.bool();
          default -> throw new AssertionError(member);
        }
      } while (json.more('}'));
    }
    json.close(mark);
    if ((seen & REQUIRED) != REQUIRED) {
      throw JsonBytes.Unsure.INSTANCE;
    }
    byte[] data;
    if (contentType.equals(EventData.JSON)) {
      data = Arrays.copyOfRange(bytes, dataFrom, dataTo);
    } else if (bytes[dataFrom] == '"') {
      data = Base64.getDecoder().decode(json.text(dataFrom + 1, dataTo - 1, dataEscaped));
    } else {
      throw JsonBytes.Unsure.INSTANCE; // the tree path reads any other value's text as base64
    }
    return new RecordedEvent(
        id,
        stream,
        revision,
        position,
        timestamp,
        type,
        contentType,
        data,
        metadata,
        tags,
        subject,
        redacted);
  }

  /** The bit of the page member {@code bytes[from, to)} names, or -1 for one it does not know. */
  private int pageMember(int from, int to) {
    if (json.is(from, to, EVENTS)) {
      return 1;
    } else if (json.is(from, to, NEXT)) {
      return 2;
    } else if (json.is(from, to, END_OF_READ)) {
      return 4;
    } else if (json.is(from, to, FIRST_REVISION)) {
      return 8;
    }
    return -1;
  }

  /** Which event member {@code bytes[from, to)} names, or -1 for one it does not know. */
  private int member(int from, int to) {
    int length = to - from;
    for (int i = 0; i < MEMBERS.length; i++) {
      byte[] name = MEMBERS[i];
      if (name.length == length && bytes[from] == name[0] && json.is(from, to, name)) {
        return i;
      }
    }
    return -1;
  }

  /** A string array of tags; anything else is the tree path's to read. */
  private Set<String> tags() {
    json.expect('[');
    if (json.empty(']')) {
      return Set.of();
    }
    List<String> tags = new ArrayList<>(4);
    do {
      tags.add(json.text());
    } while (json.more(']'));
    return Set.copyOf(tags);
  }

  /**
   * The canonical 8-4-4-4-12 form read from the bytes; any other text as the tree path reads it.
   */
  private UUID uuid() {
    int from = json.stringStart();
    int to = json.position() - 1;
    if (!json.escaped()
        && to - from == 36
        && bytes[from + 8] == '-'
        && bytes[from + 13] == '-'
        && bytes[from + 18] == '-'
        && bytes[from + 23] == '-') {
      long a = hex(from, 8);
      long b = hex(from + 9, 4);
      long c = hex(from + 14, 4);
      long d = hex(from + 19, 4);
      long e = hex(from + 24, 12);
      if ((a | b | c | d | e) >= 0) {
        return new UUID((a << 32) | (b << 16) | c, (d << 48) | e);
      }
    }
    return UUID.fromString(json.text(from, to, json.escaped()));
  }

  /** {@code count} hex digits at {@code from}, or -1 if one is not. */
  private long hex(int from, int count) {
    long value = 0;
    for (int i = from; i < from + count; i++) {
      int d = HEX[bytes[i] & 0xFF];
      if (d < 0) {
        return -1;
      }
      value = (value << 4) | d;
    }
    return value;
  }

  /** The content type; JSON's, which nearly every event has, as the one constant string. */
  private String contentType() {
    int from = json.stringStart();
    int to = json.position() - 1;
    return !json.escaped() && json.is(from, to, JSON_TYPE)
        ? EventData.JSON
        : json.text(from, to, json.escaped());
  }

  private Instant timestamp() {
    int from = json.stringStart();
    int to = json.position() - 1;
    Instant plain = json.escaped() ? null : Timestamps.plain(bytes, from, to);
    return plain != null ? plain : Timestamps.parse(json.text(from, to, json.escaped()));
  }

  private static byte[] ascii(String name) {
    return name.getBytes(StandardCharsets.US_ASCII);
  }
}
