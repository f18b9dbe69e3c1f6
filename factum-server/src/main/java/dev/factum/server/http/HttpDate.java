package dev.factum.server.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The {@code Date} response header line, formatted once per second rather than once per response
 * (formatting an HTTP date with {@code DateTimeFormatter} was a visible share of the JDK server's
 * per-exchange cost). The value is the IMF-fixdate of RFC 9110, e.g. {@code Tue, 01 Dec 2026
 * 20:21:00 GMT}.
 */
final class HttpDate {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);

  /** One second's line; replaced whole, so a reader sees a consistent pair. */
  private record Line(long second, byte[] bytes) {}

  private static volatile Line current = format(System.currentTimeMillis() / 1000);

  private HttpDate() {}

  /** {@code Date: <now>\r\n} as bytes; the caller must not modify them. */
  static byte[] headerLine() {
    long second = System.currentTimeMillis() / 1000;
    Line line = current;
    if (line.second != second) {
      line = format(second);
      current = line; // racing formatters write equal lines: harmless
    }
    return line.bytes;
  }

  private static Line format(long second) {
    String text = "Date: " + FORMAT.format(Instant.ofEpochSecond(second)) + "\r\n";
    return new Line(second, text.getBytes(StandardCharsets.US_ASCII));
  }
}
