package dev.factum.server.http;

import com.sun.net.httpserver.Headers;
import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * A request's line and header fields, parsed strictly (RFC 9112) within the {@link Limits}: a
 * malformed line or field is 400, a head over the size or field-count limit is 431, and a line that
 * does not end before the size limit is 431 too (the whole head is bounded, so the request line is
 * as well). Field names must be tokens (no space before the colon, no obsolete line folding: both
 * are ways to smuggle a second reading of the head past a proxy).
 *
 * <p>The framing checks of the JDK server are kept as they were: {@code Content-Length} together
 * with {@code Transfer-Encoding}, or twice, is 400; a transfer coding other than a lone {@code
 * chunked} is 501; a negative or non-numeric length is 400.
 *
 * @param bodyLength the body's length; -1 for a chunked body
 */
record RequestHead(
    String method,
    URI uri,
    String version,
    Headers headers,
    long bodyLength,
    boolean http10,
    boolean expectContinue) {

  /** The head of the next request, or null if the connection ended cleanly before one. */
  static RequestHead read(WireInput in, Limits limits) throws IOException {
    int budget = limits.maxHeadBytes();
    String line;
    do { // RFC 9112 2.2: ignore at least one empty line before the request line
      line = in.line(budget, 431);
      if (line == null) {
        return null;
      }
    } while (line.isEmpty());
    budget -= line.length();
    int first = line.indexOf(' ');
    int second = first < 0 ? -1 : line.indexOf(' ', first + 1);
    if (first <= 0 || second < 0 || line.indexOf(' ', second + 1) >= 0) {
      throw new HttpFailure(400, "Bad request line");
    }
    String method = line.substring(0, first);
    if (!Tokens.isToken(method)) {
      throw new HttpFailure(400, "Bad request line");
    }
    URI uri;
    try {
      uri = new URI(line.substring(first + 1, second));
    } catch (URISyntaxException e) {
      throw new HttpFailure(400, "URISyntaxException thrown");
    }
    String version = line.substring(second + 1);
    boolean http10;
    if (version.equals("HTTP/1.1")) {
      http10 = false;
    } else if (version.equals("HTTP/1.0")) {
      http10 = true;
    } else if (version.startsWith("HTTP/")) {
      throw new HttpFailure(505, "only HTTP/1.1 and HTTP/1.0 are served");
    } else {
      throw new HttpFailure(400, "Bad request line");
    }
    Headers headers = new Headers();
    int fields = 0;
    while (true) {
      String field = in.line(Math.max(budget, 0), 431);
      if (field == null) {
        throw new EOFException("the connection ended inside a request head");
      }
      if (field.isEmpty()) {
        break;
      }
      budget -= field.length() + 32; // the JDK's accounting: 32 bytes of overhead a field
      if (budget < 0 || ++fields > limits.maxHeaderFields()) {
        throw new HttpFailure(431, "the request's header fields are too large");
      }
      char start = field.charAt(0);
      if (start == ' ' || start == '\t') {
        throw new HttpFailure(400, "obsolete line folding in a header field");
      }
      int colon = field.indexOf(':');
      if (colon <= 0) {
        throw new HttpFailure(400, "a header field without a name");
      }
      String name = field.substring(0, colon);
      if (!Tokens.isToken(name)) {
        throw new HttpFailure(400, "Header key contains illegal characters");
      }
      headers.add(name, trim(field, colon + 1));
    }
    return new RequestHead(
        method,
        uri,
        version,
        headers,
        bodyLength(headers),
        http10,
        "100-continue".equalsIgnoreCase(headers.getFirst("Expect")));
  }

  private static long bodyLength(Headers headers) throws HttpFailure {
    var lengths = headers.get("Content-Length");
    var codings = headers.get("Transfer-Encoding");
    if (lengths != null && (codings != null || lengths.size() > 1)) {
      throw new HttpFailure(400, "Conflicting or malformed headers detected");
    }
    if (codings != null) {
      if (codings.size() == 1 && codings.get(0).equalsIgnoreCase("chunked")) {
        return -1;
      }
      throw new HttpFailure(501, "Unsupported Transfer-Encoding value");
    }
    if (lengths == null) {
      return 0;
    }
    long length;
    try {
      length = Long.parseLong(lengths.get(0));
    } catch (NumberFormatException e) {
      throw new HttpFailure(400, "NumberFormatException thrown");
    }
    if (length < 0) {
      throw new HttpFailure(400, "Illegal Content-Length value");
    }
    return length;
  }

  /** The value after the colon, without leading or trailing spaces and tabs. */
  private static String trim(String field, int from) {
    int start = from;
    int end = field.length();
    while (start < end && (field.charAt(start) == ' ' || field.charAt(start) == '\t')) {
      start++;
    }
    while (end > start && (field.charAt(end - 1) == ' ' || field.charAt(end - 1) == '\t')) {
      end--;
    }
    return field.substring(start, end);
  }

  boolean isHead() {
    return method.equals("HEAD");
  }

  /** Whether the client asked for the connection to end after this exchange. */
  boolean closeRequested() {
    String connection = headers.getFirst("Connection");
    if (http10) {
      return connection == null || !connection.equalsIgnoreCase("keep-alive");
    }
    return connection != null && connection.equalsIgnoreCase("close");
  }
}
