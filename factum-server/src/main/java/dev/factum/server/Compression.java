package dev.factum.server;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * gzip for complete responses (pages, the OpenAPI document, metrics) when the client asks for it
 * with {@code Accept-Encoding: gzip}.
 *
 * <p>Only bodies of at least {@link #MIN_BYTES} are compressed: below that the header and the CPU
 * cost more than the bytes saved. Such responses always carry {@code Vary: Accept-Encoding}, so a
 * cache keeps the two forms apart. Server-Sent Events are never compressed: a compressor holds
 * bytes back until it has enough, which would delay live events.
 */
final class Compression {
  static final int MIN_BYTES = 1024;

  private Compression() {}

  /**
   * The first {@code length} bytes of {@code body} gzipped, with the headers set, if the client
   * accepts it and they are many; else null (the body goes as it is).
   */
  static byte[] encode(HttpExchange exchange, byte[] body, int length) {
    if (length < MIN_BYTES) {
      return null;
    }
    exchange.getResponseHeaders().set("Vary", "Accept-Encoding");
    if (!acceptsGzip(exchange.getRequestHeaders().getFirst("Accept-Encoding"))) {
      return null;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(length / 4 + 64);
    try (GZIPOutputStream gzip = new GZIPOutputStream(out, 8192)) {
      gzip.write(body, 0, length);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a memory buffer does not fail
    }
    exchange.getResponseHeaders().set("Content-Encoding", "gzip");
    return out.toByteArray();
  }

  /** Whether an {@code Accept-Encoding} value allows gzip: named (or {@code *}) with q above 0. */
  static boolean acceptsGzip(String header) {
    if (header == null) {
      return false;
    }
    for (String part : header.split(",")) {
      String[] pieces = part.split(";");
      String coding = pieces[0].trim().toLowerCase(Locale.ROOT);
      if (!coding.equals("gzip") && !coding.equals("x-gzip") && !coding.equals("*")) {
        continue;
      }
      boolean refused = false;
      for (int i = 1; i < pieces.length; i++) {
        String parameter = pieces[i].trim().toLowerCase(Locale.ROOT).replace(" ", "");
        if (parameter.startsWith("q=")) {
          refused = parameter.substring(2).matches("0(\\.0{0,3})?");
        }
      }
      if (!refused) {
        return true;
      }
    }
    return false;
  }
}
