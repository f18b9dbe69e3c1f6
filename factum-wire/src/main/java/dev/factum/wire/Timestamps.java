package dev.factum.wire;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads event timestamps as the server writes them ({@link Instant#toString}: {@code
 * 2026-12-01T20:21:47.123456Z}, from zero to nine digits of fraction) without {@link
 * Instant#parse}'s general formatter, which cost more than the rest of an event's decoding
 * (docs/BENCHMARKS.md).
 *
 * <p>What must stay true: the result is always what {@link Instant#parse} gives; any text not in
 * the plain form above (another year width, an offset, a leap second, a wrong digit) goes to {@link
 * Instant#parse}, so it is accepted or refused exactly as before. {@code TimestampsTest} compares
 * the two.
 */
final class Timestamps {
  private Timestamps() {}

  static Instant parse(String text) {
    // Latin-1 keeps each char one byte; any char outside it becomes '?', which the plain form
    // never has, so such text goes to the general parser as before.
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    Instant fast = plain(bytes, 0, bytes.length);
    return fast != null ? fast : Instant.parse(text);
  }

  /**
   * The plain form {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} in {@code bytes[from, to)} (ASCII), or
   * null for anything else: the caller then hands the text to {@link #parse}.
   */
  static Instant plain(byte[] bytes, int from, int to) {
    int length = to - from;
    if (length < 20
        || length == 21
        || length > 30
        || bytes[from + 4] != '-'
        || bytes[from + 7] != '-'
        || bytes[from + 10] != 'T'
        || bytes[from + 13] != ':'
        || bytes[from + 16] != ':'
        || bytes[to - 1] != 'Z') {
      return null;
    }
    int year = digits(bytes, from, from + 4);
    int month = digits(bytes, from + 5, from + 7);
    int day = digits(bytes, from + 8, from + 10);
    int hour = digits(bytes, from + 11, from + 13);
    int minute = digits(bytes, from + 14, from + 16);
    int second = digits(bytes, from + 17, from + 19);
    if ((year | month | day | hour | minute | second) < 0
        || hour > 23
        || minute > 59
        || second > 59) {
      return null;
    }
    int nanos = 0;
    if (length > 20) {
      if (bytes[from + 19] != '.') {
        return null;
      }
      int fraction = digits(bytes, from + 20, to - 1);
      if (fraction < 0) {
        return null;
      }
      nanos = fraction;
      for (int i = length - 1 - 20; i < 9; i++) {
        nanos *= 10;
      }
    }
    long epochDay;
    try {
      epochDay = LocalDate.of(year, month, day).toEpochDay();
    } catch (DateTimeException e) {
      return null; // not a date (Feb 30): the general parser words the refusal
    }
    return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
  }

  /** The decimal number in {@code bytes[from, to)}, or -1 if a byte is not a digit. */
  private static int digits(byte[] bytes, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      int c = bytes[i];
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
