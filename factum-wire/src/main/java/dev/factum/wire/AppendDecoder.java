package dev.factum.wire;

import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The fast path of an append body ({@code POST /streams/{stream}}: {@code expectedRevision} and
 * {@code events}; an ack-append's, {@code POST /groups/{group}/append}, also has {@code stream},
 * {@code consumer} and {@code positions}) read from its bytes in one pass ({@link JsonBytes}),
 * without tokens or a tree.
 *
 * <p>Why: issue 18 asks for no intermediate tree on the append path where a validating scan
 * suffices. The server read every append body into an {@link ExactJson} tree first, then walked the
 * tree into {@link EventData}: for a batch of ten events that is a node per member and value, all
 * thrown away at once.
 *
 * <p>Design note: a voucher, as {@link PageDecoder} is. It returns a result only for a body that is
 * plainly well-formed and of the expected shape and types: known members only, each at most once, a
 * revision as a non-negative JSON integer or one of {@code "any"}, {@code "no_stream"}, {@code
 * "exists"}, and events with a string {@code type}, JSON {@code data} of any kind (kept as its
 * exact bytes), optional canonical UUID {@code id}, object {@code metadata}, string {@code tags}
 * and {@code subject}. Anything else (a {@code condition}, binary data, any doubt at all) returns
 * null and the caller's tree path decides the body alone, with its own result or refusal.
 *
 * <p>What must stay true: whenever this returns a request, the tree path would have returned an
 * equal one; it never throws. {@code AppendDecoderTest} in the server compares the two on fixed
 * bodies and on random mutations of them.
 */
public final class AppendDecoder {
  /** What an append body holds: the revision it expects and its events. */
  public record Append(ExpectedRevision expected, List<EventData> events) {}

  /** What an ack-append body holds: its stream, consumer, the positions it acks, its append. */
  public record GroupAppend(String stream, String consumer, List<Long> positions, Append append) {}

  private static final byte[] EXPECTED_REVISION = ascii("expectedRevision");
  private static final byte[] EVENTS = ascii("events");
  private static final byte[] STREAM = ascii("stream");
  private static final byte[] CONSUMER = ascii("consumer");
  private static final byte[] POSITIONS = ascii("positions");
  private static final byte[] JSON_TYPE = ascii(EventData.JSON);

  /** An event's members, in the order of the bits that mark them seen. */
  private static final byte[][] MEMBERS = {
    ascii("id"),
    ascii("type"),
    ascii("contentType"),
    ascii("data"),
    ascii("metadata"),
    ascii("tags"),
    ascii("subject")
  };

  private static final int ID = 0;
  private static final int TYPE = 1;
  private static final int CONTENT_TYPE = 2;
  private static final int DATA = 3;
  private static final int METADATA = 4;
  private static final int TAGS = 5;
  private static final int SUBJECT = 6;

  private final JsonBytes json;
  private final byte[] bytes;

  private AppendDecoder(byte[] body) {
    this.json = new JsonBytes(body);
    this.bytes = body;
  }

  /** The append {@code body} holds, or null when the tree path must decide it. */
  public static Append fast(byte[] body) {
    try {
      GroupAppend read = new AppendDecoder(body).body(false);
      return read.append();
    } catch (RuntimeException unsure) { // JsonBytes.Unsure, or a value the tree path must judge
      return null;
    }
  }

  /** The ack-append {@code body} holds, or null when the tree path must decide it. */
  public static GroupAppend fastGroupAppend(byte[] body) {
    try {
      return new AppendDecoder(body).body(true);
    } catch (RuntimeException unsure) {
      return null;
    }
  }

  /** The body's members; {@code group}: an ack-append's, with its stream, consumer, positions. */
  private GroupAppend body(boolean group) {
    JsonBytes.enter(0);
    json.expect('{');
    ExpectedRevision expected = null;
    List<EventData> events = null;
    String stream = null;
    String consumer = null;
    List<Long> positions = null;
    if (json.empty('}')) {
      throw JsonBytes.Unsure.INSTANCE;
    }
    do {
      int from = json.name();
      int to = json.nameTo();
      if (expected == null && json.is(from, to, EXPECTED_REVISION)) {
        expected = expected();
      } else if (events == null && json.is(from, to, EVENTS)) {
        events = events();
      } else if (group && stream == null && json.is(from, to, STREAM)) {
        stream = json.text();
      } else if (group && consumer == null && json.is(from, to, CONSUMER)) {
        consumer = json.text();
      } else if (group && positions == null && json.is(from, to, POSITIONS)) {
        positions = positions();
      } else {
        throw JsonBytes.Unsure.INSTANCE; // a duplicate, a condition, an unknown member
      }
    } while (json.more('}'));
    json.end();
    if (expected == null
        || events == null
        || events.isEmpty()
        || (group && (stream == null || consumer == null || positions == null))) {
      throw JsonBytes.Unsure.INSTANCE;
    }
    return new GroupAppend(stream, consumer, positions, new Append(expected, events));
  }

  /** A non-empty array of positions, each a JSON integer from 0 to {@code Long.MAX_VALUE - 1}. */
  private List<Long> positions() {
    JsonBytes.enter(1);
    json.expect('[');
    if (json.empty(']')) {
      throw JsonBytes.Unsure.INSTANCE;
    }
    List<Long> positions = new ArrayList<>();
    do {
      long position = json.longValue(); // up to 18 digits: inside the range's top
      if (position < 0) {
        throw JsonBytes.Unsure.INSTANCE;
      }
      positions.add(position);
    } while (json.more(']'));
    return positions;
  }

  private ExpectedRevision expected() {
    if (json.peek() != '"') {
      long revision = json.longValue();
      if (revision < 0) {
        throw JsonBytes.Unsure.INSTANCE;
      }
      return ExpectedRevision.exact(revision);
    }
    String word = json.text();
    if (!word.equals("any") && !word.equals("no_stream") && !word.equals("exists")) {
      throw JsonBytes.Unsure.INSTANCE;
    }
    return ExpectedRevision.parse(word);
  }

  private List<EventData> events() {
    JsonBytes.enter(1);
    json.expect('[');
    List<EventData> events = new ArrayList<>();
    if (!json.empty(']')) {
      do {
        events.add(event());
      } while (json.more(']'));
    }
    return events;
  }

  /** One event object, an element of the {@code events} array (depth 2). */
  private EventData event() {
    JsonBytes.enter(2);
    json.expect('{');
    int seen = 0;
    UUID id = null;
    String type = null;
    byte[] data = null;
    byte[] metadata = null;
    List<String> tags = List.of();
    String subject = null;
    if (!json.empty('}')) {
      do {
        int from = json.name();
        int to = json.nameTo();
        int member = member(from, to);
        if (member < 0 || (seen & (1 << member)) != 0) {
          throw JsonBytes.Unsure.INSTANCE; // unknown or twice: the tree path refuses it
        }
        seen |= 1 << member;
        switch (member) {
          case ID -> id = json.nullValue() ? null : uuid();
          case TYPE -> type = json.text();
          case CONTENT_TYPE -> contentType();
          case DATA -> {
            int start = position();
            json.skip(3);
            data = Arrays.copyOfRange(bytes, start, json.position());
          }
          case METADATA -> {
            if (!json.nullValue()) {
              if (json.peek() != '{') {
                throw JsonBytes.Unsure.INSTANCE;
              }
              int start = json.position();
              json.skip(3);
              metadata = Arrays.copyOfRange(bytes, start, json.position());
            }
          }
          case TAGS -> tags = json.nullValue() ? List.of() : tags();
          case SUBJECT -> subject = json.nullValue() ? null : json.text();
          default -> throw new AssertionError(member);
        }
      } while (json.more('}'));
    }
    if (type == null || data == null) {
      throw JsonBytes.Unsure.INSTANCE;
    }
    return new EventData(id, type, EventData.JSON, data, metadata, Set.copyOf(tags), subject);
  }

  /** The offset of the next value, white space skipped. */
  private int position() {
    json.peek();
    return json.position();
  }

  /** Which event member {@code bytes[from, to)} names, or -1 for one it does not know. */
  private int member(int from, int to) {
    int length = to - from;
    for (int i = 0; i < MEMBERS.length; i++) {
      byte[] name = MEMBERS[i];
      if (name.length == length && json.is(from, to, name)) {
        return i;
      }
    }
    return -1;
  }

  /** JSON's content type, absent or null; any other is the tree path's to judge. */
  private void contentType() {
    if (json.nullValue()) {
      return;
    }
    int from = json.stringStart();
    int to = json.position() - 1;
    if (json.escaped() || !json.is(from, to, JSON_TYPE)) {
      throw JsonBytes.Unsure.INSTANCE;
    }
  }

  /** A string array of tags; anything else is the tree path's to read. */
  private List<String> tags() {
    json.expect('[');
    if (json.empty(']')) {
      return List.of();
    }
    List<String> tags = new ArrayList<>(4);
    do {
      tags.add(json.text());
    } while (json.more(']'));
    return tags;
  }

  /** A canonical UUID (as the tree path insists: {@code UUID.toString}'s form, any case). */
  private UUID uuid() {
    String text = json.text();
    UUID id = UUID.fromString(text);
    if (!text.equalsIgnoreCase(id.toString())) {
      throw JsonBytes.Unsure.INSTANCE;
    }
    return id;
  }

  private static byte[] ascii(String name) {
    return name.getBytes(StandardCharsets.US_ASCII);
  }
}
