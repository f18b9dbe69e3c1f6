package dev.factum.client;

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
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * JSON read into a tree whose objects also keep the exact bytes of their {@code data} and {@code
 * metadata} members, so event content is handed to the caller byte for byte as the server sent it
 * (and the server sends it as it was appended): {@code -0}, {@code 1.0}, {@code 1e2} and white
 * space stay as they are, which a parse and re-serialize would change.
 *
 * <p>What must stay true: the input is strict UTF-8, every string is valid Unicode (no lone
 * surrogate, escaped or encoded), there is exactly one value (no trailing content), no duplicate
 * keys. The same rules the server applies to what it accepts, so data the client checks before
 * sending is data the server stores unchanged. (The server has its own copy of this reader, {@code
 * dev.factum.server.JsonBody}; the two modules share no code but the API.)
 */
final class ExactJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** An object that remembers the raw bytes of its {@code data} and {@code metadata} members. */
  @SuppressWarnings("unchecked") // ObjectNode's inherited deepCopy signature, nothing of ours
  static final class RawObject extends ObjectNode {
    @Serial private static final long serialVersionUID = 1L;
    private final transient Map<String, byte[]> raw = new HashMap<>(4);

    RawObject() {
      super(NODES);
    }

    /** The bytes of member {@code name} as read, or null if none were kept. */
    byte[] raw(String name) {
      return raw.get(name);
    }
  }

  /** Bytes that are not exactly one valid JSON value. */
  static final class Malformed extends Exception {
    @Serial private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message);
    }
  }

  private final byte[] bytes;
  private boolean outermost = true;

  private ExactJson(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Reads exactly one JSON value. */
  static JsonNode read(JsonFactory json, byte[] bytes) throws Malformed {
    checkUtf8(bytes);
    if (bytes.length >= 3
        && bytes[0] == (byte) 0xEF
        && bytes[1] == (byte) 0xBB
        && bytes[2] == (byte) 0xBF) {
      throw new Malformed("it starts with a byte order mark");
    }
    ExactJson reader = new ExactJson(bytes);
    try (JsonParser parser = json.createParser(bytes)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new Malformed("it is empty");
      }
      JsonNode value = reader.value(parser, first);
      if (parser.nextToken() != null) {
        throw new Malformed("content follows the value");
      }
      return value;
    } catch (IOException | RuntimeException e) {
      // Jackson's parse errors, and a number it lexes but cannot convert
      throw new Malformed(
          e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage());
    }
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
      case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDoubleValue());
      case VALUE_TRUE -> NODES.booleanNode(true);
      case VALUE_FALSE -> NODES.booleanNode(false);
      case VALUE_NULL -> NODES.nullNode();
      default -> throw new Malformed("unexpected " + token);
    };
  }

  private ObjectNode object(JsonParser parser) throws IOException, Malformed {
    RawObject object = new RawObject();
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      String name = checked(parser.currentName());
      JsonToken member = parser.nextToken();
      long start = parser.currentTokenLocation().getByteOffset();
      // Spans never nest (a "data" inside event data is not kept), so the bytes copied add up
      // to at most the input, whatever the data looks like.
      boolean keep = outermost && (name.equals("data") || name.equals("metadata"));
      outermost &= !keep;
      object.set(name, value(parser, member));
      if (keep) {
        outermost = true;
        long end = parser.currentLocation().getByteOffset();
        object.raw.put(name, Arrays.copyOfRange(bytes, (int) start, (int) end));
      }
    }
    if (token != JsonToken.END_OBJECT) {
      throw new Malformed("unexpected " + token);
    }
    return object;
  }

  private ArrayNode array(JsonParser parser) throws IOException, Malformed {
    ArrayNode array = NODES.arrayNode();
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      if (token == null) {
        throw new Malformed("unexpected end");
      }
      array.add(value(parser, token));
    }
    return array;
  }

  private static String checked(String text) throws Malformed {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new Malformed(
            String.format("a string holds an unpaired surrogate (\\u%04x)", (int) c));
      }
    }
    return text;
  }

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
        throw new Malformed("it is not valid UTF-8 (at byte " + in.position() + ")");
      }
      if (result.isUnderflow()) {
        return;
      }
      out.clear();
    }
  }
}
