package dev.factum.wire;

import java.io.Serial;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A strict cursor over the bytes of one JSON document, for {@link PageDecoder}'s fast path: it
 * reads a value once, byte by byte, checking it as it goes, and hands back where things are (the
 * offsets of a value, a string's content) instead of tokens or a tree.
 *
 * <p>Design note: it is a <em>voucher</em>, not a judge. Whatever it passes must be something
 * {@link ExactJson#read} accepts and reads the same way; whenever it is unsure (any syntax error,
 * but also anything legal it does not handle: an escaped member name, a very deep value, a long
 * number) it throws {@link Unsure} and the caller falls back to the tree path, which decides, with
 * its own errors. So it never words an error, and it may refuse more than JSON does, never less.
 *
 * <p>What it checks, as {@link ExactJson} does: strict UTF-8 inside strings (no overlong forms, no
 * encoded surrogates, nothing above U+10FFFF) and no byte above ASCII outside them (so no BOM);
 * strings without raw control characters, with valid escapes, and every escaped surrogate in a
 * pair; no duplicate member names in any object (compared as bytes, which is exact because names
 * with escapes are refused); the grammar of numbers and literals; white space only where JSON
 * allows it. What it leaves to the tree path, by refusing: names with an escape, nesting deeper
 * than {@link #MAX_DEPTH}, objects of more than {@link #MAX_NAMES} members, numbers longer than
 * {@link #MAX_NUMBER}, names longer than {@link #MAX_NAME} and strings longer than {@link
 * #MAX_STRING} bytes (Jackson's own limits are 1,000, 1,000, 50,000 and 20,000,000, so what passes
 * here is inside them).
 *
 * <p>Not thread-safe; one instance per document.
 */
final class JsonBytes {
  /** Deepest nesting of objects and arrays passed here, the document's own braces included. */
  static final int MAX_DEPTH = 100;

  static final int MAX_NUMBER = 100;
  static final int MAX_NAME = 1_000;
  static final int MAX_STRING = 10_000_000;

  /** Most names in one object passed here (each new name is compared with those before it). */
  static final int MAX_NAMES = 256;

  /** This cursor cannot vouch for the document: the caller must let the tree path decide. */
  static final class Unsure extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    // Shared on purpose: it has no stack trace or cause, and never leaves PageDecoder's fast path.
    @SuppressWarnings("StaticAssignmentOfThrowable")
    static final Unsure INSTANCE = new Unsure();

    private Unsure() {
      super("left to the tree path", null, false, false);
    }
  }

  /** Bytes that may stand in a string as they are: printable ASCII but the quote and backslash. */
  private static final boolean[] PLAIN = new boolean[256];

  static {
    for (int c = 0x20; c < 0x80; c++) {
      PLAIN[c] = c != '"' && c != '\\';
    }
  }

  private final byte[] bytes;
  private int pos;

  /** Whether the last string read had an escape (so its bytes are not its text). */
  private boolean escaped;

  /** The names seen in the objects open at the moment: (start, length, signature) per name. */
  private int[] names = new int[48];

  private int namesTop;

  private int nameTo;

  JsonBytes(byte[] bytes) {
    this.bytes = bytes;
  }

  /** The offset of the next byte. */
  int position() {
    return pos;
  }

  /** Skips white space and returns the next byte, without taking it; unsure at the end. */
  byte peek() {
    skipSpace();
    if (pos >= bytes.length) {
      throw Unsure.INSTANCE;
    }
    return bytes[pos];
  }

  /** Takes the byte {@code c} after white space, or is unsure. */
  void expect(char c) {
    if (peek() != c) {
      throw Unsure.INSTANCE;
    }
    pos++;
  }

  /**
   * After a member or an element: takes a comma and returns true, or takes {@code close} and
   * returns false.
   */
  boolean more(char close) {
    byte c = peek();
    pos++;
    if (c == ',') {
      return true;
    }
    if (c != close) {
      throw Unsure.INSTANCE;
    }
    return false;
  }

  /** Takes {@code close} and returns true if it comes next (an empty object or array). */
  boolean empty(char close) {
    if (peek() == close) {
      pos++;
      return true;
    }
    return false;
  }

  /** Nothing but white space is left. */
  void end() {
    skipSpace();
    if (pos != bytes.length) {
      throw Unsure.INSTANCE;
    }
  }

  /** A mark of the names of the objects open now, to give to {@link #name} and {@link #close}. */
  int open() {
    return namesTop;
  }

  /** Forgets the names of the object opened at {@code mark}. */
  void close(int mark) {
    namesTop = mark;
  }

  /**
   * Reads a member name and its colon; returns the offset of the name's first byte, and {@link
   * #nameTo()} the offset after its last. Unsure of a name with an escape.
   */
  int name() {
    int from = stringStart();
    nameTo = pos - 1;
    if (escaped || nameTo - from > MAX_NAME) {
      throw Unsure.INSTANCE;
    }
    expect(':');
    return from;
  }

  /** The end of the name {@link #name()} read last. */
  int nameTo() {
    return nameTo;
  }

  /**
   * Records the name {@code bytes[from, to)} in the object opened at {@code mark}, unsure if that
   * object already has it.
   */
  void distinct(int mark, int from, int to) {
    int length = to - from;
    // A cheap signature (the first and last bytes) spares most byte-by-byte comparisons.
    int hash = length == 0 ? 0 : ((bytes[from] & 0xFF) << 8) | (bytes[to - 1] & 0xFF);
    for (int i = mark; i < namesTop; i += 3) {
      if (names[i + 2] == hash
          && names[i + 1] == length
          && Arrays.equals(bytes, from, to, bytes, names[i], names[i] + length)) {
        throw Unsure.INSTANCE;
      }
    }
    if (namesTop - mark >= 3 * MAX_NAMES) {
      throw Unsure.INSTANCE; // the linear check above would cost too much: the tree path hashes
    }
    if (namesTop + 3 > names.length) {
      names = Arrays.copyOf(names, names.length * 2);
    }
    names[namesTop] = from;
    names[namesTop + 1] = length;
    names[namesTop + 2] = hash;
    namesTop += 3;
  }

  /** Whether {@code bytes[from, to)} is the ASCII text {@code name}. */
  boolean is(int from, int to, byte[] name) {
    return Arrays.equals(bytes, from, to, name, 0, name.length);
  }

  /**
   * Checks the string that starts at the next byte (a quote) and returns the offset just past its
   * closing quote, without moving; sets {@link #escaped()}.
   */
  private int string() {
    int i = pos + 1;
    boolean escapes = false;
    boolean high = false; // the last unit was an escaped high surrogate
    while (true) {
      if (!high) {
        while (i < bytes.length && PLAIN[bytes[i] & 0xFF]) {
          i++;
        }
      }
      if (i >= bytes.length || (high && bytes[i] != '\\')) {
        throw Unsure.INSTANCE; // unterminated, or a high surrogate without an escape after it
      }
      int c = bytes[i] & 0xFF;
      if (c == '"') {
        if (i + 1 - pos > MAX_STRING) {
          throw Unsure.INSTANCE;
        }
        escaped = escapes;
        return i + 1;
      }
      if (c == '\\') {
        escapes = true;
        if (i + 1 >= bytes.length) {
          throw Unsure.INSTANCE;
        }
        int e = bytes[i + 1];
        if (e == 'u') {
          int unit = hex(i + 2);
          boolean isLow = unit >= 0xDC00 && unit <= 0xDFFF;
          if (high != isLow) {
            throw Unsure.INSTANCE; // a lone low surrogate, or a high one not followed by a low
          }
          high = unit >= 0xD800 && unit <= 0xDBFF;
          i += 6;
        } else if (high) {
          throw Unsure.INSTANCE;
        } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r'
            || e == 't') {
          i += 2;
        } else {
          throw Unsure.INSTANCE;
        }
      } else if (c < 0x80) {
        throw Unsure.INSTANCE; // a raw control character
      } else {
        i = utf8(i, c);
      }
    }
  }

  /** The four hex digits at {@code at} as a number, or unsure. */
  private int hex(int at) {
    if (at + 4 > bytes.length) {
      throw Unsure.INSTANCE;
    }
    int value = 0;
    for (int i = at; i < at + 4; i++) {
      int d = Character.digit(bytes[i], 16);
      if (d < 0) {
        throw Unsure.INSTANCE;
      }
      value = (value << 4) | d;
    }
    return value;
  }

  /**
   * Checks the multi-byte UTF-8 sequence that starts at {@code i} with lead byte {@code c} and
   * returns the offset after it: the well-formed sequences of Unicode's table 3-7, which are what
   * the JDK's strict decoder accepts.
   */
  private int utf8(int i, int c) {
    int length;
    int low = 0x80;
    int high = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) {
        low = 0xA0;
      } else if (c == 0xED) {
        high = 0x9F;
      }
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) {
        low = 0x90;
      } else if (c == 0xF4) {
        high = 0x8F;
      }
    } else {
      throw Unsure.INSTANCE;
    }
    if (i + length > bytes.length) {
      throw Unsure.INSTANCE;
    }
    int second = bytes[i + 1] & 0xFF;
    if (second < low || second > high) {
      throw Unsure.INSTANCE;
    }
    for (int k = i + 2; k < i + length; k++) {
      if ((bytes[k] & 0xC0) != 0x80) {
        throw Unsure.INSTANCE;
      }
    }
    return i + length;
  }

  /**
   * Reads a string value: returns the offset of its content's first byte, and leaves the cursor
   * after its closing quote (the content ends one byte before {@link #position()}).
   */
  int stringStart() {
    if (peek() != '"') {
      throw Unsure.INSTANCE;
    }
    int start = pos + 1;
    pos = string();
    return start;
  }

  /** Whether the last string read had an escape. */
  boolean escaped() {
    return escaped;
  }

  /**
   * The text of a string whose content is {@code bytes[from, to)}, checked by this cursor; {@code
   * escaped} as {@link #escaped()} said after reading it.
   */
  String text(int from, int to, boolean escaped) {
    if (!escaped) {
      return new String(bytes, from, to - from, StandardCharsets.UTF_8);
    }
    StringBuilder text = new StringBuilder(to - from);
    int i = from;
    while (i < to) {
      int run = i;
      while (i < to && bytes[i] != '\\') {
        i++;
      }
      text.append(new String(bytes, run, i - run, StandardCharsets.UTF_8));
      if (i >= to) {
        break;
      }
      char e = (char) bytes[i + 1];
      switch (e) {
        case 'u' -> {
          text.append((char) hex(i + 2));
          i += 6;
        }
        case 'b' -> {
          text.append('\b');
          i += 2;
        }
        case 'f' -> {
          text.append('\f');
          i += 2;
        }
        case 'n' -> {
          text.append('\n');
          i += 2;
        }
        case 'r' -> {
          text.append('\r');
          i += 2;
        }
        case 't' -> {
          text.append('\t');
          i += 2;
        }
        default -> {
          text.append(e); // a quote, a backslash or a slash, as checked by string()
          i += 2;
        }
      }
    }
    return text.toString();
  }

  /** A string value's text. */
  String text() {
    int from = stringStart();
    return text(from, pos - 1, escaped);
  }

  /** Takes {@code true} or {@code false}, or is unsure. */
  boolean bool() {
    byte c = peek();
    if (c == 't' && literal("true")) {
      return true;
    }
    if (c == 'f' && literal("false")) {
      return false;
    }
    throw Unsure.INSTANCE;
  }

  /** Takes {@code null} and returns true if it comes next. */
  boolean nullValue() {
    return peek() == 'n' && literal("null");
  }

  private boolean literal(String word) {
    int length = word.length();
    if (pos + length > bytes.length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (bytes[pos + i] != word.charAt(i)) {
        return false;
      }
    }
    pos += length;
    return true;
  }

  /**
   * Takes an integer that is exactly a JSON integer (no fraction, no exponent) and fits a long;
   * unsure of anything else. Up to 18 digits, which every revision and position has.
   */
  long longValue() {
    peek();
    int start = pos;
    number();
    int i = start;
    boolean negative = bytes[i] == '-';
    if (negative) {
      i++;
    }
    if (pos - i > 18) {
      throw Unsure.INSTANCE;
    }
    long value = 0;
    for (; i < pos; i++) {
      int c = bytes[i];
      if (c < '0' || c > '9') {
        throw Unsure.INSTANCE; // a fraction or an exponent
      }
      value = value * 10 + (c - '0');
    }
    return negative ? -value : value;
  }

  /** Checks the number at the cursor (RFC 8259's grammar) and takes it. */
  private void number() {
    int start = pos;
    int i = pos;
    if (i < bytes.length && bytes[i] == '-') {
      i++;
    }
    if (i < bytes.length && bytes[i] == '0') {
      i++;
    } else {
      i = digits(i);
    }
    if (i < bytes.length && bytes[i] == '.') {
      i = digits(i + 1);
    }
    if (i < bytes.length && (bytes[i] == 'e' || bytes[i] == 'E')) {
      i++;
      if (i < bytes.length && (bytes[i] == '+' || bytes[i] == '-')) {
        i++;
      }
      i = digits(i);
    }
    if (i - start > MAX_NUMBER) {
      throw Unsure.INSTANCE;
    }
    pos = i;
  }

  /** At least one digit from {@code i}; returns the offset after the last. */
  private int digits(int i) {
    int start = i;
    while (i < bytes.length && bytes[i] >= '0' && bytes[i] <= '9') {
      i++;
    }
    if (i == start) {
      throw Unsure.INSTANCE;
    }
    return i;
  }

  /**
   * Checks the value at the cursor throughout and takes it; {@code depth} is the nesting of the
   * container it is in (0 for the document itself).
   */
  void skip(int depth) {
    byte c = peek();
    switch (c) {
      case '{' -> {
        enter(depth);
        pos++;
        if (empty('}')) {
          return;
        }
        int mark = open();
        do {
          int from = name();
          distinct(mark, from, nameTo);
          skip(depth + 1);
        } while (more('}'));
        close(mark);
      }
      case '[' -> {
        enter(depth);
        pos++;
        if (empty(']')) {
          return;
        }
        do {
          skip(depth + 1);
        } while (more(']'));
      }
      case '"' -> pos = string();
      case 't' -> require(literal("true"));
      case 'f' -> require(literal("false"));
      case 'n' -> require(literal("null"));
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          number();
        } else {
          throw Unsure.INSTANCE;
        }
      }
    }
  }

  /** Opening a container inside one at {@code depth}. */
  static void enter(int depth) {
    if (depth + 1 > MAX_DEPTH) {
      throw Unsure.INSTANCE;
    }
  }

  private static void require(boolean condition) {
    if (!condition) {
      throw Unsure.INSTANCE;
    }
  }

  private void skipSpace() {
    while (pos < bytes.length) {
      byte c = bytes[pos];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return;
      }
      pos++;
    }
  }
}
