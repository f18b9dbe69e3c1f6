package dev.factum.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Serial;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one strict JSON reader of the v1 format, for the server's request bodies and the client's
 * responses: a tree whose objects also keep the exact bytes of their {@code data} and {@code
 * metadata} members, so event content is stored and handed back byte for byte ({@code -0}, {@code
 * 1.0}, {@code 1e2}, white space and escapes included), never re-serialized.
 *
 * <p>What must stay true: the input is strict UTF-8 (overlong forms and encoded surrogates are
 * refused before parsing), every string and key is valid Unicode (an escaped lone surrogate such as
 * {@code "\ud800"} is refused with the place it was found), there is exactly one value (no trailing
 * content), no duplicate keys (the factory's job: it must enable strict duplicate detection). A raw
 * span is exactly one JSON value, from its first byte to its last, so it can be embedded as it is;
 * spans never nest, so the bytes kept add up to at most the input. Numbers in the tree are only for
 * the API's own fields; event content is never read back from the tree's numbers. A kept member is
 * checked exactly as the rest (same errors, same places) but not built: in the tree it is only its
 * kind (an empty object or array, or the scalar itself, so a base64 string keeps its text), and its
 * content is its raw bytes. {@link #validate} checks a whole value that way, without a tree.
 *
 * <p>Failures are a {@link Malformed} with a {@link Malformed.Kind}, so that each side words the
 * error for its reader (the server as {@code invalid-request}, the client as its own exception).
 */
public final class ExactJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** An object that remembers the raw bytes of its {@code data} and {@code metadata} members. */
  @SuppressWarnings("unchecked") // ObjectNode's inherited deepCopy signature, nothing of ours
  public static final class RawObject extends ObjectNode {
    @Serial private static final long serialVersionUID = 1L;
    private final transient Map<String, byte[]> raw = new HashMap<>(4);

    RawObject() {
      super(NODES);
    }

    /** The bytes of member {@code name} as read, or null if none were kept. */
    public byte[] raw(String name) {
      return raw.get(name);
    }
  }

  /** Bytes that are not exactly one valid JSON value. */
  public static final class Malformed extends Exception {
    @Serial private static final long serialVersionUID = 1L;

    /** What is wrong. */
    public enum Kind {
      /** Not strict UTF-8; {@link #at} is the byte offset. */
      NOT_UTF8,
      /** A UTF-8 byte order mark, where it is refused. */
      BYTE_ORDER_MARK,
      /** No value at all. */
      EMPTY,
      /** Content after the value. */
      TRAILING,
      /** A string with a lone surrogate; {@link #at} is the code unit, {@link #path} where. */
      SURROGATE,
      /** A number the lexer accepts but cannot convert. */
      NUMBER,
      /** Any other syntax error; the message says which. */
      SYNTAX
    }

    private final Kind kind;
    private final long at;
    private final String path;

    Malformed(Kind kind, String message, long at, String path) {
      super(message);
      this.kind = kind;
      this.at = at;
      this.path = path;
    }

    public Kind kind() {
      return kind;
    }

    public long at() {
      return at;
    }

    /** Where, as a JSON pointer without its leading slash (e.g. {@code events/0/type}). */
    public String path() {
      return path;
    }
  }

  private final byte[] bytes;
  private final List<String> path = new ArrayList<>();
  private boolean outermost = true;

  private ExactJson(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * Reads exactly one JSON value.
   *
   * @param json a factory with strict duplicate detection
   * @param refuseByteOrderMark whether a leading UTF-8 BOM is an error (else the parser skips it)
   */
  public static JsonNode read(JsonFactory json, byte[] bytes, boolean refuseByteOrderMark)
      throws Malformed {
    return parse(json, bytes, refuseByteOrderMark, true);
  }

  /**
   * Checks that {@code bytes} are exactly one JSON value, with every check and error of {@link
   * #read}, without building its tree (for content that is passed on as it is).
   */
  public static void validate(JsonFactory json, byte[] bytes, boolean refuseByteOrderMark)
      throws Malformed {
    parse(json, bytes, refuseByteOrderMark, false);
  }

  private static JsonNode parse(
      JsonFactory json, byte[] bytes, boolean refuseByteOrderMark, boolean tree) throws Malformed {
    checkUtf8(bytes);
    if (refuseByteOrderMark
        && bytes.length >= 3
        && bytes[0] == (byte) 0xEF
        && bytes[1] == (byte) 0xBB
        && bytes[2] == (byte) 0xBF) {
      throw new Malformed(
          Malformed.Kind.BYTE_ORDER_MARK, "it starts with a byte order mark", 0, "");
    }
    ExactJson reader = new ExactJson(bytes);
    try (JsonParser parser = json.createParser(bytes)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new Malformed(Malformed.Kind.EMPTY, "it is empty", 0, "");
      }
      JsonNode value = tree ? reader.value(parser, first) : reader.scanned(parser, first);
      if (parser.nextToken() != null) {
        throw new Malformed(Malformed.Kind.TRAILING, "content follows the value", 0, "");
      }
      return value;
    } catch (JsonProcessingException e) {
      throw new Malformed(Malformed.Kind.SYNTAX, e.getOriginalMessage(), 0, reader.where());
    } catch (NumberFormatException | ArithmeticException e) {
      throw new Malformed(Malformed.Kind.NUMBER, e.getMessage(), 0, reader.where());
    } catch (IOException | RuntimeException e) {
      throw new Malformed(Malformed.Kind.SYNTAX, e.getMessage(), 0, reader.where());
    }
  }

  private String where() {
    return String.join("/", path);
  }

  private JsonNode value(JsonParser parser, JsonToken token) throws IOException, Malformed {
    return switch (token) {
      case START_OBJECT -> object(parser);
      case START_ARRAY -> array(parser);
      case VALUE_STRING -> NODES.textNode(checked(parser.getText()));
      case VALUE_NUMBER_INT ->
          switch (parser.getNumberType()) {
            case INT, LONG -> NODES.numberNode(parser.getLongValue());
            default -> NODES.numberNode(parser.getBigIntegerValue());
          };
      // Never converted to BigDecimal (1e999999999 could not be): only the kind matters here.
      case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDoubleValue());
      case VALUE_TRUE -> NODES.booleanNode(true);
      case VALUE_FALSE -> NODES.booleanNode(false);
      case VALUE_NULL -> NODES.nullNode();
      default -> throw new Malformed(Malformed.Kind.SYNTAX, "unexpected " + token, 0, where());
    };
  }

  private ObjectNode object(JsonParser parser) throws IOException, Malformed {
    RawObject object = new RawObject();
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      String name = checked(parser.currentName());
      JsonToken member = parser.nextToken();
      long start = parser.currentTokenLocation().getByteOffset();
      boolean keep = outermost && (name.equals("data") || name.equals("metadata"));
      outermost &= !keep;
      path.add(name);
      object.set(name, keep ? scanned(parser, member) : value(parser, member));
      path.removeLast();
      if (keep) {
        outermost = true;
        long end = parser.currentLocation().getByteOffset();
        object.raw.put(name, Arrays.copyOfRange(bytes, (int) start, (int) end));
      }
    }
    if (token != JsonToken.END_OBJECT) {
      throw new Malformed(Malformed.Kind.SYNTAX, "unexpected " + token, 0, where());
    }
    return object;
  }

  private ArrayNode array(JsonParser parser) throws IOException, Malformed {
    ArrayNode array = NODES.arrayNode();
    JsonToken token;
    int index = 0;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      if (token == null) {
        throw new Malformed(Malformed.Kind.SYNTAX, "unexpected end", 0, where());
      }
      path.add(Integer.toString(index++));
      array.add(value(parser, token));
      path.removeLast();
    }
    return array;
  }

  /**
   * Checks one value as {@link #value} does, token by token, without building it: returns only its
   * kind (an empty container, or the scalar's node).
   */
  private JsonNode scanned(JsonParser parser, JsonToken token) throws IOException, Malformed {
    switch (token) {
      case START_OBJECT -> {
        JsonToken next;
        while ((next = parser.nextToken()) == JsonToken.FIELD_NAME) {
          path.add(checked(parser.currentName()));
          JsonToken member = parser.nextToken();
          if (member == null) {
            throw new Malformed(Malformed.Kind.SYNTAX, "unexpected end", 0, where());
          }
          scanned(parser, member);
          path.removeLast();
        }
        if (next != JsonToken.END_OBJECT) {
          throw new Malformed(Malformed.Kind.SYNTAX, "unexpected " + next, 0, where());
        }
        return NODES.objectNode();
      }
      case START_ARRAY -> {
        JsonToken next;
        int index = 0;
        while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
          if (next == null) {
            throw new Malformed(Malformed.Kind.SYNTAX, "unexpected end", 0, where());
          }
          path.add(Integer.toString(index++));
          scanned(parser, next);
          path.removeLast();
        }
        return NODES.arrayNode();
      }
      default -> {
        return value(parser, token);
      }
    }
  }

  /** {@code text}, if it is valid Unicode: every surrogate in a pair. */
  private String checked(String text) throws Malformed {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new Malformed(
            Malformed.Kind.SURROGATE,
            String.format("a string holds an unpaired surrogate (\\u%04x)", (int) c),
            c,
            where());
      }
    }
    return text;
  }

  /** Strict UTF-8: refuses malformed, overlong and surrogate-encoding byte sequences. */
  private static void checkUtf8(byte[] bytes) throws Malformed {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(Math.min(bytes.length + 1, 8192));
    while (true) {
      CoderResult result = decoder.decode(in, out, true);
      if (result.isError()) {
        throw new Malformed(
            Malformed.Kind.NOT_UTF8,
            "it is not valid UTF-8 (at byte " + in.position() + ")",
            in.position(),
            "");
      }
      if (result.isUnderflow()) {
        return;
      }
      out.clear();
    }
  }
}
