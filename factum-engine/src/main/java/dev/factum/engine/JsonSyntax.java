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
 * escaped; nesting is limited to {@link #MAX_DEPTH}. Strings must be valid Unicode: strict UTF-8
 * (shortest forms, no encoded surrogates) and every {@code \\u} surrogate escape in a pair, since a
 * lone surrogate cannot be written as UTF-8 by any reader that decodes the value (an export, a
 * client) without changing it.
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
      if (c >= 0x80) {
        utf8(c);
      } else if (c == '\\') {
        int e = next();
        switch (e) {
          case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {}
          case 'u' -> {
            int unit = hex4();
            if (Character.isLowSurrogate((char) unit)) {
              throw new IllegalStateException("unpaired surrogate escape");
            }
            if (Character.isHighSurrogate((char) unit)) {
              // Only a low surrogate escape may follow: \ud83d\ude00 is one character.
              if (next() != '\\' || next() != 'u' || !Character.isLowSurrogate((char) hex4())) {
                throw new IllegalStateException("unpaired surrogate escape");
              }
            }
          }
          default -> throw new IllegalStateException("bad escape");
        }
      }
    }
  }

  private int hex4() {
    int unit = 0;
    for (int i = 0; i < 4; i++) {
      int digit = Character.digit(next(), 16);
      if (digit < 0) {
        throw new IllegalStateException("bad \\u escape");
      }
      unit = unit * 16 + digit;
    }
    return unit;
  }

  /**
   * One UTF-8 sequence whose first byte {@code lead} was read: the shortest form only, no encoded
   * surrogates, nothing above U+10FFFF (RFC 3629).
   */
  private void utf8(int lead) {
    int continuations;
    int min = 0x80;
    int max = 0xBF; // the allowed range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
      continuations = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      continuations = 2;
      if (lead == 0xE0) {
        min = 0xA0; // overlong below
      } else if (lead == 0xED) {
        max = 0x9F; // U+D800..U+DFFF
      }
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      continuations = 3;
      if (lead == 0xF0) {
        min = 0x90;
      } else if (lead == 0xF4) {
        max = 0x8F;
      }
    } else {
      throw new IllegalStateException("invalid UTF-8 lead byte");
    }
    for (int i = 0; i < continuations; i++) {
      int b = next();
      if (b < (i == 0 ? min : 0x80) || b > (i == 0 ? max : 0xBF)) {
        throw new IllegalStateException("invalid UTF-8 sequence");
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
