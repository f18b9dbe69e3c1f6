package dev.factum.wire;

import java.util.Arrays;

/**
 * The byte level of the {@code text/event-stream} format, for readers that must not pay for
 * decoding (the bench, whose client would otherwise measure itself): splits bytes into lines, drops
 * comments, and hands each field line to a {@link Sink} in place, its name classified and its value
 * a byte range, and each blank line as the end of a frame. {@link SseParser} builds whole frames on
 * it.
 *
 * <p>What must stay true: lines end with LF, CR or CRLF, and a CRLF split across two chunks counts
 * once; a line is the same however the bytes are cut into chunks (a line that straddles chunks is
 * carried over, the only copy made); the one space after the colon is not part of the value; a line
 * longer than the scanner's limit is refused, so a broken peer cannot make a reader buffer without
 * bound. Splitting on bytes before decoding is safe because CR and LF never occur inside a UTF-8
 * sequence.
 */
public final class SseScanner {
  /** The field a line sets; {@link #OTHER} for a name the format does not define. */
  public enum Field {
    DATA,
    ID,
    EVENT,
    RETRY,
    OTHER
  }

  /** Receives what a chunk completes, in order. */
  public interface Sink {
    /**
     * One field line. The value is {@code bytes[from, to)}; the array is only valid during the
     * call.
     */
    void field(Field field, byte[] bytes, int from, int to);

    /** A blank line: the frame so far is complete. */
    void endOfFrame();
  }

  private final int maxLineBytes;
  private byte[] carry = new byte[256];
  private int carried;
  private boolean afterCr;

  /**
   * @param maxLineBytes the longest line accepted, in bytes (without its line end)
   */
  public SseScanner(int maxLineBytes) {
    this.maxLineBytes = maxLineBytes;
  }

  /**
   * Scans {@code chunk[offset, offset + length)}.
   *
   * @throws IllegalStateException if a line is longer than the limit
   */
  public void feed(byte[] chunk, int offset, int length, Sink sink) {
    if (length == 0) {
      return;
    }
    int end = offset + length;
    int i = offset;
    if (afterCr) {
      afterCr = false;
      if (chunk[i] == '\n') {
        i++; // the LF of a CRLF whose CR ended the previous chunk
      }
    }
    int start = i;
    while (true) {
      int at = lineEnd(chunk, start, end);
      if (at == end) {
        break;
      }
      line(chunk, start, at, sink);
      if (chunk[at] == '\r') {
        if (at + 1 == end) {
          afterCr = true;
        } else if (chunk[at + 1] == '\n') {
          at++;
        }
      }
      start = at + 1;
    }
    if (start < end) {
      keep(chunk, start, end);
    }
  }

  /**
   * The index of the next CR or LF in {@code chunk[from, to)}, or {@code to}. A loop of its own,
   * with nothing else in it, so the JIT compiles it as tightly as a hand-written search (the
   * bench's reader spends most of its time here).
   */
  private static int lineEnd(byte[] chunk, int from, int to) {
    for (int i = from; i < to; i++) {
      byte b = chunk[i];
      // One comparison for almost every byte: LF (10) and CR (13) sort below all printable ones.
      if (b <= '\r' && (b == '\n' || b == '\r')) {
        return i;
      }
    }
    return to;
  }

  private void line(byte[] chunk, int from, int to, Sink sink) {
    if (carried == 0) {
      checkLength(to - from);
      dispatch(chunk, from, to, sink);
      return;
    }
    keep(chunk, from, to);
    int length = carried;
    carried = 0;
    dispatch(carry, 0, length, sink);
  }

  private void keep(byte[] chunk, int from, int to) {
    int length = carried + (to - from);
    checkLength(length);
    if (length > carry.length) {
      carry = Arrays.copyOf(carry, Math.max(length, carry.length * 2));
    }
    System.arraycopy(chunk, from, carry, carried, to - from);
    carried = length;
  }

  private void checkLength(int length) {
    if (length > maxLineBytes) {
      throw new IllegalStateException("an event-stream line is over " + maxLineBytes + " bytes");
    }
  }

  private static void dispatch(byte[] bytes, int from, int to, Sink sink) {
    if (from == to) {
      sink.endOfFrame();
      return;
    }
    if (bytes[from] == ':') {
      return; // a comment: the server's heartbeat
    }
    int colon = from;
    while (colon < to && bytes[colon] != ':') {
      colon++;
    }
    int value = colon < to ? colon + 1 : to;
    if (value < to && bytes[value] == ' ') {
      value++;
    }
    sink.field(field(bytes, from, colon), bytes, value, to);
  }

  private static Field field(byte[] bytes, int from, int to) {
    return switch (to - from) {
      case 2 -> bytes[from] == 'i' && bytes[from + 1] == 'd' ? Field.ID : Field.OTHER;
      case 4 -> is(bytes, from, "data") ? Field.DATA : Field.OTHER;
      case 5 ->
          is(bytes, from, "event")
              ? Field.EVENT
              : is(bytes, from, "retry") ? Field.RETRY : Field.OTHER;
      default -> Field.OTHER;
    };
  }

  private static boolean is(byte[] bytes, int from, String name) {
    for (int i = 0; i < name.length(); i++) {
      if (bytes[from + i] != name.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code bytes[from, to)} is exactly the ASCII text {@code value}. */
  public static boolean equalsAscii(byte[] bytes, int from, int to, String value) {
    return to - from == value.length() && is(bytes, from, value);
  }
}
