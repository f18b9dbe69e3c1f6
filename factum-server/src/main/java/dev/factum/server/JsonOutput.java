package dev.factum.server;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growing byte array that JSON is written into directly, for the read paths' responses (pages,
 * SSE events), where a Jackson generator over a {@code ByteArrayOutputStream} cost a buffer doubled
 * many times, a copy of the whole body at the end and a {@code String} per number and id.
 *
 * <p>What must stay true: every value is written exactly as the Jackson generator of {@link
 * WireFormat#JSON} writes it, byte for byte ({@code EventJsonTest} compares the two), so the wire
 * is unchanged: strings in UTF-8 with {@code "} and {@code \} escaped, the control characters
 * {@code \b \t \n \f \r} in their short form and the others as {@code \}{@code u00XX} (upper-case
 * hex), and every UTF-16 surrogate as {@code \}{@code uXXXX} (Jackson does not combine pairs when
 * it writes a {@code String}). What it does not do: check anything; it writes what it is given (the
 * caller's values came from the store, which checked them on the way in).
 */
final class JsonOutput {
  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] LOWER_HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  /** Per ASCII character: 0 written as is, -1 as {@code \}{@code u00XX}, else {@code \} and it. */
  private static final byte[] ESCAPES = new byte[128];

  static {
    Arrays.fill(ESCAPES, 0, 32, (byte) -1);
    ESCAPES['\b'] = 'b';
    ESCAPES['\t'] = 't';
    ESCAPES['\n'] = 'n';
    ESCAPES['\f'] = 'f';
    ESCAPES['\r'] = 'r';
    ESCAPES['"'] = '"';
    ESCAPES['\\'] = '\\';
  }

  private byte[] bytes;
  private int length;

  JsonOutput(int capacity) {
    this.bytes = new byte[Math.max(64, capacity)];
  }

  /** The buffer; its first {@link #length()} bytes are the JSON written. */
  byte[] bytes() {
    return bytes;
  }

  int length() {
    return length;
  }

  /** The JSON written, in an array of its exact length. */
  byte[] toByteArray() {
    return length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
  }

  /** Room for {@code more} bytes after what is written. */
  void ensure(int more) {
    if (more > bytes.length - length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
    }
  }

  void add(byte b) {
    ensure(1);
    bytes[length++] = b;
  }

  /** Bytes as they are: a field's name with its quotes and colon, or stored JSON. */
  void add(byte[] raw) {
    ensure(raw.length);
    System.arraycopy(raw, 0, bytes, length, raw.length);
    length += raw.length;
  }

  /** A JSON number, as Jackson writes a {@code long}. */
  void number(long value) {
    if (value < 0) {
      if (value == Long.MIN_VALUE) {
        add(Long.toString(value).getBytes(StandardCharsets.US_ASCII));
        return;
      }
      add((byte) '-');
      value = -value;
    }
    int digits = 1;
    for (long v = value; v >= 10; v /= 10) {
      digits++;
    }
    ensure(digits);
    int at = length + digits;
    do {
      bytes[--at] = (byte) ('0' + (value % 10));
      value /= 10;
    } while (value > 0);
    length += digits;
  }

  /** A JSON string of {@code text}, quoted and escaped as Jackson's UTF-8 generator does. */
  void string(String text) {
    int n = text.length();
    ensure(n + 2);
    bytes[length++] = '"';
    int i = 0;
    // ASCII without escapes, the common case, a byte per character
    for (; i < n; i++) {
      char c = text.charAt(i);
      if (c >= 128 || ESCAPES[c] != 0) {
        break;
      }
      bytes[length++] = (byte) c;
    }
    for (; i < n; i++) {
      char c = text.charAt(i);
      ensure(7); // the longest form of one character, and the closing quote
      if (c < 128) {
        byte escape = ESCAPES[c];
        if (escape == 0) {
          bytes[length++] = (byte) c;
        } else if (escape > 0) {
          bytes[length++] = '\\';
          bytes[length++] = escape;
        } else {
          unicodeEscape(c);
        }
      } else if (c < 0x800) {
        bytes[length++] = (byte) (0xC0 | (c >> 6));
        bytes[length++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isSurrogate(c)) {
        unicodeEscape(c);
      } else {
        bytes[length++] = (byte) (0xE0 | (c >> 12));
        bytes[length++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        bytes[length++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    ensure(1);
    bytes[length++] = '"';
  }

  private void unicodeEscape(char c) {
    bytes[length++] = '\\';
    bytes[length++] = 'u';
    bytes[length++] = HEX[(c >> 12) & 0xF];
    bytes[length++] = HEX[(c >> 8) & 0xF];
    bytes[length++] = HEX[(c >> 4) & 0xF];
    bytes[length++] = HEX[c & 0xF];
  }

  /** A UUID as its canonical string ({@code UUID.toString}: lower-case, 8-4-4-4-12). */
  void uuid(long most, long least) {
    ensure(38);
    bytes[length++] = '"';
    hex(most >>> 32, 8);
    bytes[length++] = '-';
    hex(most >>> 16, 4);
    bytes[length++] = '-';
    hex(most, 4);
    bytes[length++] = '-';
    hex(least >>> 48, 4);
    bytes[length++] = '-';
    hex(least, 12);
    bytes[length++] = '"';
  }

  /** The low {@code digits} hex digits of {@code value}. */
  private void hex(long value, int digits) {
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
      bytes[length++] = LOWER_HEX[(int) (value >>> shift) & 0xF];
    }
  }
}
