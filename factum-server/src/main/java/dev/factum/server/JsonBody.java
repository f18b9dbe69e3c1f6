package dev.factum.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request body parsed into a JSON tree that also remembers the exact bytes of every {@code data}
 * and {@code metadata} member, so event content is stored as sent, byte for byte ({@code -0},
 * {@code 1.0}, {@code 1e2}, white space and escapes included), never re-serialized.
 *
 * <p>What must stay true: the body is strict UTF-8 (overlong forms and encoded surrogates are
 * refused before parsing), every string and key is valid Unicode (an escaped lone surrogate such as
 * {@code "\ud800"} is refused with the place it was found), duplicate keys and trailing content are
 * refused. A raw span is exactly one JSON value, from its first byte to its last, so it can be
 * embedded into responses as it is. Numbers in the tree are only for the API's own fields ({@code
 * expectedRevision}); event content is never read back from the tree's numbers.
 */
final class JsonBody {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final byte[] body;
  private final IdentityHashMap<ObjectNode, Map<String, byte[]>> raw = new IdentityHashMap<>();
  private final List<String> path = new ArrayList<>();
  private boolean outermost = true;
  private final JsonNode root;

  private JsonBody(JsonFactory json, byte[] body) throws IOException {
    this.body = body;
    try (JsonParser parser = json.createParser(body)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw HttpProblem.badRequest("the body is not valid JSON: it is empty");
      }
      this.root = read(parser, first);
      if (parser.nextToken() != null) {
        throw HttpProblem.badRequest("the body is not valid JSON: content after the value");
      }
    }
  }

  /** Parses {@code body}, or fails with {@code invalid-request} saying why. */
  static JsonBody parse(JsonFactory json, byte[] body) {
    checkUtf8(body);
    try {
      return new JsonBody(json, body);
    } catch (JsonProcessingException e) {
      throw HttpProblem.badRequest("the body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw HttpProblem.badRequest("the body could not be read: " + e.getMessage());
    }
  }

  JsonNode root() {
    return root;
  }

  /**
   * The bytes of member {@code name} of {@code object} exactly as sent ({@code data}, {@code
   * metadata}).
   */
  byte[] raw(ObjectNode object, String name) {
    Map<String, byte[]> members = raw.get(object);
    byte[] bytes = members == null ? null : members.get(name);
    if (bytes == null) {
      throw new IllegalStateException("no raw bytes kept for member " + name);
    }
    return bytes;
  }

  private JsonNode read(JsonParser parser, JsonToken token) throws IOException {
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
      default -> throw HttpProblem.badRequest("the body is not valid JSON: unexpected " + token);
    };
  }

  private ObjectNode object(JsonParser parser) throws IOException {
    ObjectNode object = NODES.objectNode();
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      String name = checked(parser.currentName());
      JsonToken value = parser.nextToken();
      long start = parser.currentTokenLocation().getByteOffset();
      // Spans never nest (a "data" inside event data is not kept), so the bytes copied add up
      // to at most the body, whatever the data looks like.
      boolean keep = outermost && (name.equals("data") || name.equals("metadata"));
      outermost &= !keep;
      path.add(name);
      object.set(name, read(parser, value));
      path.removeLast();
      if (keep) {
        outermost = true;
        long end = parser.currentLocation().getByteOffset();
        raw.computeIfAbsent(object, k -> new HashMap<>(4))
            .put(name, Arrays.copyOfRange(body, (int) start, (int) end));
      }
    }
    if (token != JsonToken.END_OBJECT) {
      throw HttpProblem.badRequest("the body is not valid JSON: unexpected " + token);
    }
    return object;
  }

  private ArrayNode array(JsonParser parser) throws IOException {
    ArrayNode array = NODES.arrayNode();
    JsonToken token;
    int index = 0;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      if (token == null) {
        throw HttpProblem.badRequest("the body is not valid JSON: unexpected end");
      }
      path.add(Integer.toString(index++));
      array.add(read(parser, token));
      path.removeLast();
    }
    return array;
  }

  /** {@code text}, if it is valid Unicode: every surrogate in a pair. */
  private String checked(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw HttpProblem.badRequest(
            String.format(
                "a JSON string at /%s holds an unpaired surrogate (\\u%04x): strings must be"
                    + " valid Unicode",
                String.join("/", path), (int) c));
      }
    }
    return text;
  }

  /** Strict UTF-8: refuses malformed, overlong and surrogate-encoding byte sequences. */
  private static void checkUtf8(byte[] body) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(body);
    CharBuffer out = CharBuffer.allocate(Math.min(body.length + 1, 8192));
    while (true) {
      CoderResult result = decoder.decode(in, out, true);
      if (result.isError()) {
        throw HttpProblem.badRequest(
            "the body is not valid UTF-8: byte " + in.position() + " starts a malformed sequence");
      }
      if (result.isUnderflow()) {
        return;
      }
      out.clear();
    }
  }
}
