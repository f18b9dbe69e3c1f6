package dev.factum.engine;

/**
 * A strict JSON (RFC 8259) syntax check over UTF-8 bytes, without building anything.
 *
 * <p>Why it exists: events labelled {@code application/json} are served by the HTTP API as JSON
 * values embedded in responses, so bytes that are not exactly one JSON value would corrupt every
 * page and feed that contains them. The store therefore refuses them at append time, whatever the
 * caller (the HTTP layer parses its input anyway; the embedded API does not).
 *
 * <p>It checks structure, literals, numbers, string escapes and that control characters are
 * escaped; nesting is limited to {@link #MAX_DEPTH}. UTF-8 validity of string contents is left to
 * the decoder that reads them.
 */
final class JsonSyntax {
  static final int MAX_DEPTH = 512;

  private final byte[] json;
  private int at;

  private JsonSyntax(byte[] json) {
    this.json = json;
  }

  /** Whether {@code json} is exactly one JSON value, with optional surrounding white space. */
  static boolean isValue(byte[] json) {
    JsonSyntax parser = new JsonSyntax(json);
    try {
      parser.space();
      parser.value(0);
      parser.space();
      return parser.at == json.length;
    } catch (IllegalStateException malformed) {
      return false;
    }
  }

  /** Whether {@code json} is exactly one JSON object. */
  static boolean isObject(byte[] json) {
    int first = 0;
    while (first < json.length && isSpace(json[first])) {
      first++;
    }
    return first < json.length && json[first] == '{' && isValue(json);
  }

  private void value(int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalStateException("nested too deeply");
    }
    switch (peek()) {
      case '{' -> object(depth);
      case '[' -> array(depth);
      case '"' -> string();
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> number();
    }
  }

  private void object(int depth) {
    at++;
    space();
    if (peek() == '}') {
      at++;
      return;
    }
    while (true) {
      space();
      if (peek() != '"') {
        throw new IllegalStateException("key expected");
      }
      string();
      space();
      expect(':');
      space();
      value(depth + 1);
      space();
      if (peek() == ',') {
        at++;
      } else {
        expect('}');
        return;
      }
    }
  }

  private void array(int depth) {
    at++;
    space();
    if (peek() == ']') {
      at++;
      return;
    }
    while (true) {
      space();
      value(depth + 1);
      space();
      if (peek() == ',') {
        at++;
      } else {
        expect(']');
        return;
      }
    }
  }

  private void string() {
    at++;
    while (true) {
      int c = next();
      if (c == '"') {
        return;
      }
      if (c < 0x20) {
        throw new IllegalStateException("unescaped control character");
      }
      if (c == '\\') {
        int e = next();
        switch (e) {
          case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {}
          case 'u' -> {
            for (int i = 0; i < 4; i++) {
              if (Character.digit(next(), 16) < 0) {
                throw new IllegalStateException("bad \\u escape");
              }
            }
          }
          default -> throw new IllegalStateException("bad escape");
        }
      }
    }
  }

  private void number() {
    if (peek() == '-') {
      at++;
    }
    if (peek() == '0') {
      at++;
    } else {
      digits();
    }
    if (at < json.length && json[at] == '.') {
      at++;
      digits();
    }
    if (at < json.length && (json[at] == 'e' || json[at] == 'E')) {
      at++;
      if (peek() == '+' || peek() == '-') {
        at++;
      }
      digits();
    }
  }

  private void digits() {
    int start = at;
    while (at < json.length && json[at] >= '0' && json[at] <= '9') {
      at++;
    }
    if (at == start) {
      throw new IllegalStateException("digit expected");
    }
  }

  private void literal(String word) {
    for (int i = 0; i < word.length(); i++) {
      if (next() != word.charAt(i)) {
        throw new IllegalStateException("bad literal");
      }
    }
  }

  private void expect(char c) {
    if (next() != c) {
      throw new IllegalStateException("'" + c + "' expected");
    }
  }

  private int peek() {
    if (at >= json.length) {
      throw new IllegalStateException("unexpected end");
    }
    return json[at] & 0xFF;
  }

  private int next() {
    int c = peek();
    at++;
    return c;
  }

  private void space() {
    while (at < json.length && isSpace(json[at])) {
      at++;
    }
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }
}
