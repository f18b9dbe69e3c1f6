package dev.factum.api;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads the data of a deletion event: exactly one object with the members {@code stream} (a string)
 * and {@code truncateBefore} (a non-negative integer), in that order, with optional whitespace.
 * Anything else is not a deletion (empty), so damaged or foreign data is never taken for one.
 */
final class DeletionJson {
  private final String text;
  private int at;

  private DeletionJson(String text) {
    this.text = text;
  }

  static Optional<StreamDeletion> parse(byte[] data, boolean tombstone) {
    if (data == null) {
      return Optional.empty();
    }
    DeletionJson in = new DeletionJson(new String(data, StandardCharsets.UTF_8));
    try {
      in.expect('{');
      in.expectKey("stream");
      String stream = in.string();
      in.expect(',');
      in.expectKey("truncateBefore");
      long truncateBefore = in.number();
      in.expect('}');
      in.space();
      if (in.at != in.text.length() || stream.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new StreamDeletion(stream, truncateBefore, tombstone));
    } catch (IllegalArgumentException | IndexOutOfBoundsException notADeletion) {
      // NumberFormatException (a number beyond long) is an IllegalArgumentException too.
      return Optional.empty();
    }
  }

  private void space() {
    while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
      at++;
    }
  }

  private void expect(char c) {
    space();
    if (text.charAt(at) != c) {
      throw new IllegalArgumentException();
    }
    at++;
  }

  private void expectKey(String key) {
    space();
    if (!string().equals(key)) {
      throw new IllegalArgumentException();
    }
    expect(':');
  }

  private String string() {
    space();
    if (text.charAt(at++) != '"') {
      throw new IllegalArgumentException();
    }
    StringBuilder out = new StringBuilder();
    while (true) {
      char c = text.charAt(at++);
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        throw new IllegalArgumentException();
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char e = text.charAt(at++);
      switch (e) {
        case '"', '\\', '/' -> out.append(e);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          int value = 0;
          for (int i = 0; i < 4; i++) {
            int digit = Character.digit(text.charAt(at++), 16);
            if (digit < 0) {
              throw new IllegalArgumentException();
            }
            value = value * 16 + digit;
          }
          out.append((char) value);
        }
        default -> throw new IllegalArgumentException();
      }
    }
  }

  private long number() {
    space();
    int start = at;
    while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
      at++;
    }
    String digits = text.substring(start, at);
    if (digits.isEmpty() || (digits.length() > 1 && digits.charAt(0) == '0')) {
      throw new IllegalArgumentException();
    }
    return Long.parseLong(digits);
  }
}
