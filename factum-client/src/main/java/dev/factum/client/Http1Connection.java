package dev.factum.client;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * One HTTP/1.1 keep-alive connection (plain or TLS) to the server, used by one exchange at a time.
 *
 * <p>Design note: an exchange is a handful of system calls: the request head and a small body go
 * out in one {@code write} (the socket has TCP_NODELAY), and the response head is read through the
 * connection's own buffer; a body framed by {@code Content-Length} is read straight into its array
 * once the buffered part of it is copied (a page of a thousand events is then a few large reads,
 * not one per buffer), a chunked one through the buffer (a {@code gzip} content encoding is
 * undone). The socket itself is a {@link Wire}: {@link PlainWire} for plain HTTP (a non-blocking
 * channel and its own selector: no system call per read to set a timeout), {@link SocketWire} for
 * TLS. Nothing is allocated per request beyond the response body and its few header values. It is
 * not a general client: no redirects, no {@code 100-continue}, no trailers, no pipelining.
 *
 * <p>What must stay true: a connection is reusable only after a response was read exactly to its
 * end (no byte left over) and did not say {@code Connection: close}.
 */
final class Http1Connection implements AutoCloseable {
  private static final int BUFFER = 16 << 10;
  private static final int MAX_HEAD = 64 << 10;
  private static final int SMALL_BODY = 8 << 10;
  private static final byte[] CRLF = {'\r', '\n'};

  private final Wire wire;
  private byte[] request = new byte[1 << 10];
  private int requestLength;
  private final byte[] buffer = new byte[BUFFER];
  private final StringBuilder line = new StringBuilder(128);
  private int position;
  private int limit;
  private boolean reusable = true;
  private boolean chunkedStream;
  private boolean chunkDataEnded;
  private boolean streamEnded;
  private long streamLeft;
  private long idleSince;

  /** The parts of a response the client acts on. */
  record Response(
      int status, String contentType, String retryAfter, String contentEncoding, byte[] body) {}

  /** An exchange that failed (the connection is then closed). */
  static final class Failure extends IOException {
    private static final long serialVersionUID = 1L;
    private final boolean timedOut;

    Failure(IOException cause) {
      super(cause.getMessage(), cause);
      this.timedOut = cause instanceof SocketTimeoutException;
    }

    boolean timedOut() {
      return timedOut;
    }
  }

  private volatile Runnable onClose;

  Http1Connection(Wire wire) {
    this.wire = wire;
  }

  /** Runs {@code action} when the connection is closed (the pool forgets an event stream's). */
  void onClose(Runnable action) {
    this.onClose = action;
  }

  /**
   * Whether the server has closed this idle connection (or sent something unasked, which makes it
   * unusable too): a read that does not wait (one system call on a plain connection). If so, the
   * connection is closed.
   */
  boolean closedByPeer() {
    boolean dead = wire.closedByPeer();
    if (dead) {
      close();
    }
    return dead;
  }

  boolean reusable() {
    return reusable;
  }

  long idleSince() {
    return idleSince;
  }

  /**
   * Sends one request and reads its whole response, within {@code deadline} ({@link
   * System#nanoTime}).
   *
   * @param head the request head up to and excluding the blank line, each line ending in CRLF,
   *     without the body's headers
   * @param body the JSON body, or null
   */
  Response exchange(String method, byte[] head, byte[] body, long deadline) throws Failure {
    reusable = false;
    try {
      requestLength = 0;
      append(head, head.length);
      if (body != null) {
        byte[] framing =
            ("Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        append(framing, framing.length);
        if (body.length <= SMALL_BODY) {
          append(body, body.length);
          wire.write(request, 0, requestLength, deadline);
        } else {
          wire.write(request, 0, requestLength, deadline);
          wire.write(body, 0, body.length, deadline);
        }
      } else {
        append(CRLF, 2);
        wire.write(request, 0, requestLength, deadline);
      }
      return readResponse(method, deadline);
    } catch (IOException | RuntimeException e) {
      close();
      IOException cause = e instanceof IOException io ? io : new IOException(e.toString(), e);
      throw new Failure(cause);
    }
  }

  /**
   * Sends a {@code GET} for an event stream and reads the response head, within {@code deadline}. A
   * 200 answer's body is left to {@link #streamed} (its {@link Response#body} is null); any other
   * answer is read whole, as {@link #exchange} does. Either way the connection is not reused.
   *
   * @param head the request head up to and excluding the blank line
   */
  Response openStream(byte[] head, long deadline) throws Failure {
    reusable = false;
    try {
      requestLength = 0;
      append(head, head.length);
      append(CRLF, 2);
      wire.write(request, 0, requestLength, deadline);
      Head answer = readHead(deadline);
      if (answer.status() != 200) {
        Response whole = readBody("GET", answer, deadline);
        reusable = false;
        return whole;
      }
      if (answer.encoding() != null && !answer.encoding().equals("identity")) {
        throw new IOException("an event stream with Content-Encoding " + answer.encoding());
      }
      chunkedStream = answer.chunked();
      streamLeft = answer.chunked() ? 0 : answer.length();
      return new Response(200, answer.contentType(), answer.retryAfter(), null, null);
    } catch (IOException | RuntimeException e) {
      close();
      IOException cause = e instanceof IOException io ? io : new IOException(e.toString(), e);
      throw new Failure(cause);
    }
  }

  /**
   * The next bytes of a streamed body (after {@link #openStream}), as they arrive: what is buffered
   * of one or more chunks, else what one read brings; null once the body has ended. Waits until
   * {@code deadline} at most, and then throws {@link SocketTimeoutException} (the connection is
   * then to be closed: a read may have stopped inside a chunk's framing).
   */
  byte[] streamed(long deadline) throws IOException {
    if (streamEnded) {
      return null;
    }
    if (!chunkedStream) {
      return streamedUnframed(deadline);
    }
    byte[] out = null;
    int size = 0;
    while (true) {
      if (streamLeft == 0) {
        // The next chunk's framing: only waited for when nothing was gathered yet.
        if (out != null && bufferedLines() < (chunkDataEnded ? 2 : 1)) {
          break;
        }
        if (chunkDataEnded && !readLine(deadline).isEmpty()) {
          throw new IOException("a chunk not followed by CRLF");
        }
        chunkDataEnded = false;
        long chunk = chunkSize(readLine(deadline), 0);
        if (chunk == 0) {
          while (!readLine(deadline).isEmpty()) {
            // trailers: none expected, skipped
          }
          streamEnded = true;
          break;
        }
        streamLeft = chunk;
      }
      if (position == limit) {
        if (out != null) {
          break;
        }
        fill(deadline);
      }
      int n = (int) Math.min(streamLeft, limit - position);
      if (out == null) {
        out = new byte[Math.max(n, limit - position)];
      } else if (size + n > out.length) {
        out = Arrays.copyOf(out, Math.max(out.length * 2, size + n));
      }
      System.arraycopy(buffer, position, out, size, n);
      size += n;
      position += n;
      streamLeft -= n;
      chunkDataEnded = streamLeft == 0;
    }
    return out == null ? null : size == out.length ? out : Arrays.copyOf(out, size);
  }

  /** A streamed body framed by its length or by the end of the connection. */
  private byte[] streamedUnframed(long deadline) throws IOException {
    if (streamLeft == 0) {
      streamEnded = true;
      return null;
    }
    if (position == limit) {
      position = 0;
      limit = Math.max(0, wire.read(buffer, 0, buffer.length, deadline));
      if (limit == 0) {
        streamEnded = true;
        return streamLeft > 0 ? eof() : null;
      }
    }
    int n = limit - position;
    if (streamLeft > 0) {
      n = (int) Math.min(n, streamLeft);
      streamLeft -= n;
    }
    byte[] out = Arrays.copyOfRange(buffer, position, position + n);
    position += n;
    return out;
  }

  private static byte[] eof() throws EOFException {
    throw new EOFException("the server closed the connection inside the body");
  }

  /** How many line ends are buffered (up to 2): whether the framing ahead can be read at once. */
  private int bufferedLines() {
    int lines = 0;
    for (int i = position; i < limit && lines < 2; i++) {
      if (buffer[i] == '\n') {
        lines++;
      }
    }
    return lines;
  }

  /** What the client acts on in a response head, and how its body is framed. */
  private record Head(
      int status,
      String contentType,
      String retryAfter,
      String encoding,
      long length,
      boolean chunked,
      boolean close) {}

  private Response readResponse(String method, long deadline) throws IOException {
    return readBody(method, readHead(deadline), deadline);
  }

  private Head readHead(long deadline) throws IOException {
    String statusLine = readLine(deadline);
    if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
      throw new IOException("not an HTTP/1.x status line: " + abbreviate(statusLine));
    }
    boolean http10 = statusLine.charAt(7) == '0';
    int status = parseStatus(statusLine);
    long length = -1;
    boolean chunked = false;
    boolean close = http10;
    String contentType = "";
    String retryAfter = null;
    String encoding = null;
    int headBytes = statusLine.length();
    for (String header = readLine(deadline); !header.isEmpty(); header = readLine(deadline)) {
      headBytes += header.length();
      if (headBytes > MAX_HEAD) {
        throw new IOException("the response head is over " + MAX_HEAD + " bytes");
      }
      int colon = header.indexOf(':');
      if (colon <= 0) {
        throw new IOException("a malformed response header: " + abbreviate(header));
      }
      String name = header.substring(0, colon).trim();
      String value = header.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("Content-Length")) {
        try {
          length = Long.parseLong(value);
        } catch (NumberFormatException e) {
          throw new IOException("a malformed Content-Length: " + abbreviate(value), e);
        }
      } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
        chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
      } else if (name.equalsIgnoreCase("Connection")) {
        String token = value.toLowerCase(Locale.ROOT);
        close = token.contains("close") || (http10 && !token.contains("keep-alive"));
      } else if (name.equalsIgnoreCase("Content-Type")) {
        contentType = value;
      } else if (name.equalsIgnoreCase("Retry-After")) {
        retryAfter = value;
      } else if (name.equalsIgnoreCase("Content-Encoding")) {
        encoding = value.toLowerCase(Locale.ROOT);
      }
    }
    return new Head(status, contentType, retryAfter, encoding, length, chunked, close);
  }

  private Response readBody(String method, Head head, long deadline) throws IOException {
    int status = head.status();
    long length = head.length();
    boolean close = head.close();
    String encoding = head.encoding();
    byte[] body;
    if (method.equals("HEAD")
        || status == 204
        || status == 304
        || (status >= 100 && status < 200)) {
      body = new byte[0];
    } else if (head.chunked()) {
      body = readChunked(deadline);
    } else if (length >= 0) {
      if (length > Integer.MAX_VALUE - 8) {
        throw new IOException("a response body of " + length + " bytes");
      }
      body = readExactly((int) length, deadline);
    } else {
      body = readToEnd(deadline);
      close = true;
    }
    if (encoding != null && encoding.equals("gzip")) {
      try (InputStream gzip = new GZIPInputStream(new ByteArrayInputStream(body))) {
        body = gzip.readAllBytes();
      }
    } else if (encoding != null && !encoding.equals("identity")) {
      throw new IOException("an unsupported Content-Encoding: " + abbreviate(encoding));
    }
    reusable = !close && position == limit;
    idleSince = System.nanoTime();
    return new Response(status, head.contentType(), head.retryAfter(), encoding, body);
  }

  private static int parseStatus(String statusLine) throws IOException {
    int status = 0;
    for (int i = 9; i < 12; i++) {
      char c = statusLine.charAt(i);
      if (c < '0' || c > '9') {
        throw new IOException("a malformed status line: " + abbreviate(statusLine));
      }
      status = status * 10 + (c - '0');
    }
    return status;
  }

  private byte[] readChunked(long deadline) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream(SMALL_BODY);
    while (true) {
      long chunk = chunkSize(readLine(deadline), body.size());
      if (chunk == 0) {
        while (!readLine(deadline).isEmpty()) {
          // trailers: none expected, skipped
        }
        return body.toByteArray();
      }
      copy((int) chunk, body, deadline);
      if (!readLine(deadline).isEmpty()) {
        throw new IOException("a chunk not followed by CRLF");
      }
    }
  }

  /** A chunk-size line's size (extensions ignored), checked against what the body holds so far. */
  private static long chunkSize(String size, int bodySoFar) throws IOException {
    int semicolon = size.indexOf(';');
    String hex = (semicolon < 0 ? size : size.substring(0, semicolon)).trim();
    long chunk;
    try {
      chunk = Long.parseLong(hex, 16);
    } catch (NumberFormatException e) {
      throw new IOException("a malformed chunk size: " + abbreviate(size), e);
    }
    if (chunk < 0 || chunk > Integer.MAX_VALUE - 8 - bodySoFar) {
      throw new IOException("a chunk of " + chunk + " bytes");
    }
    return chunk;
  }

  /** A body of known length: what is buffered of it, then the rest read straight into it. */
  private byte[] readExactly(int length, long deadline) throws IOException {
    byte[] body = new byte[length];
    int at = Math.min(length, limit - position);
    System.arraycopy(buffer, position, body, 0, at);
    position += at;
    while (at < length) {
      int n = wire.read(body, at, length - at, deadline);
      if (n < 0) {
        throw new EOFException("the server closed the connection");
      }
      at += n;
    }
    return body;
  }

  private void copy(int length, ByteArrayOutputStream to, long deadline) throws IOException {
    int left = length;
    while (left > 0) {
      if (position == limit) {
        fill(deadline);
      }
      int n = Math.min(left, limit - position);
      to.write(buffer, position, n);
      position += n;
      left -= n;
    }
  }

  private byte[] readToEnd(long deadline) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream(SMALL_BODY);
    while (true) {
      if (position == limit) {
        position = 0;
        limit = Math.max(0, wire.read(buffer, 0, buffer.length, deadline));
        if (limit == 0) {
          return body.toByteArray();
        }
      }
      body.write(buffer, position, limit - position);
      position = limit;
    }
  }

  /** One line of the head, without its CRLF (a bare LF is taken too). */
  private String readLine(long deadline) throws IOException {
    line.setLength(0);
    while (true) {
      if (position == limit) {
        fill(deadline);
      }
      byte b = buffer[position++];
      if (b == '\n') {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
          line.setLength(end - 1);
        }
        return line.toString();
      }
      if (line.length() >= MAX_HEAD) {
        throw new IOException("a response line over " + MAX_HEAD + " bytes");
      }
      line.append((char) (b & 0xFF)); // header bytes are ISO-8859-1
    }
  }

  /** Reads at least one byte into the (consumed) buffer, or fails at the end of the stream. */
  private void fill(long deadline) throws IOException {
    if (position < limit) {
      return;
    }
    position = 0;
    limit = 0;
    int n = wire.read(buffer, 0, buffer.length, deadline);
    if (n < 0) {
      throw new EOFException("the server closed the connection");
    }
    limit = n;
  }

  private void append(byte[] bytes, int length) {
    if (requestLength + length > request.length) {
      request = Arrays.copyOf(request, Math.max(request.length * 2, requestLength + length));
    }
    System.arraycopy(bytes, 0, request, requestLength, length);
    requestLength += length;
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "…";
  }

  /** Closes the socket; idempotent, never throws. */
  @Override
  public void close() {
    reusable = false;
    wire.close();
    Runnable action = onClose;
    if (action != null) {
      onClose = null;
      action.run();
    }
  }
}
