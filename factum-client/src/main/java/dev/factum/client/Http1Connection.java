package dev.factum.client;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * One HTTP/1.1 keep-alive connection (plain or TLS) to the server, used by one exchange at a time.
 *
 * <p>Design note: an exchange is a handful of system calls: the request head and a small body go
 * out in one {@code write} (the socket has TCP_NODELAY), and the response is read through the
 * connection's own buffer and framed by {@code Content-Length} or chunked transfer encoding (a
 * {@code gzip} content encoding is undone). Nothing is allocated per request beyond the response
 * body and its few header values. It is not a general client: no redirects, no {@code
 * 100-continue}, no trailers, no pipelining.
 *
 * <p>What must stay true: a connection is reusable only after a response was read exactly to its
 * end (no byte left over) and did not say {@code Connection: close}; the socket's channel is in
 * blocking mode except inside {@link #closedByPeer}.
 */
final class Http1Connection implements AutoCloseable {
  private static final int BUFFER = 16 << 10;
  private static final int MAX_HEAD = 64 << 10;
  private static final int SMALL_BODY = 8 << 10;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final ByteArrayOutputStream request = new ByteArrayOutputStream(1 << 10);
  private final byte[] buffer = new byte[BUFFER];
  private final StringBuilder line = new StringBuilder(128);
  private int position;
  private int limit;
  private boolean reusable = true;
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

  private final SocketChannel channel;
  private final ByteBuffer probe = ByteBuffer.allocate(1);

  /**
   * @param socket the channel's own socket, or a TLS socket layered on it
   */
  Http1Connection(SocketChannel channel, Socket socket) throws IOException {
    this.channel = channel;
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /**
   * Whether the server has closed this idle connection (or sent something unasked, which makes it
   * unusable too): a read that does not wait, so a live connection costs three system calls. If so,
   * the connection is closed.
   */
  boolean closedByPeer() {
    boolean dead;
    try {
      channel.configureBlocking(false);
      try {
        probe.clear();
        dead = channel.read(probe) != 0;
      } finally {
        channel.configureBlocking(true);
      }
    } catch (IOException | RuntimeException e) {
      dead = true;
    }
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
      request.reset();
      request.write(head);
      if (body != null) {
        ascii("Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n");
        if (body.length <= SMALL_BODY) {
          request.write(body);
          request.writeTo(out);
        } else {
          request.writeTo(out);
          out.write(body);
        }
      } else {
        request.write('\r');
        request.write('\n');
        request.writeTo(out);
      }
      out.flush();
      return readResponse(method, deadline);
    } catch (IOException | RuntimeException e) {
      close();
      IOException cause = e instanceof IOException io ? io : new IOException(e.toString(), e);
      throw new Failure(cause);
    }
  }

  private Response readResponse(String method, long deadline) throws IOException {
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
    byte[] body;
    if (method.equals("HEAD")
        || status == 204
        || status == 304
        || (status >= 100 && status < 200)) {
      body = new byte[0];
    } else if (chunked) {
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
    return new Response(status, contentType, retryAfter, encoding, body);
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
      String size = readLine(deadline);
      int semicolon = size.indexOf(';');
      String hex = (semicolon < 0 ? size : size.substring(0, semicolon)).trim();
      long chunk;
      try {
        chunk = Long.parseLong(hex, 16);
      } catch (NumberFormatException e) {
        throw new IOException("a malformed chunk size: " + abbreviate(size), e);
      }
      if (chunk < 0 || chunk > Integer.MAX_VALUE - 8 - body.size()) {
        throw new IOException("a chunk of " + chunk + " bytes");
      }
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

  private byte[] readExactly(int length, long deadline) throws IOException {
    byte[] body = new byte[length];
    int at = 0;
    while (at < length) {
      if (position == limit) {
        timeout(deadline);
        fill();
      }
      int n = Math.min(length - at, limit - position);
      System.arraycopy(buffer, position, body, at, n);
      position += n;
      at += n;
    }
    return body;
  }

  private void copy(int length, ByteArrayOutputStream to, long deadline) throws IOException {
    int left = length;
    while (left > 0) {
      if (position == limit) {
        timeout(deadline);
        fill();
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
        timeout(deadline);
        position = 0;
        limit = Math.max(0, in.read(buffer));
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
        timeout(deadline);
        fill();
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
  private void fill() throws IOException {
    if (position < limit) {
      return;
    }
    position = 0;
    limit = 0;
    int n = in.read(buffer);
    if (n < 0) {
      throw new EOFException("the server closed the connection");
    }
    limit = n;
  }

  private void timeout(long deadline) throws IOException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new SocketTimeoutException("no answer within the request timeout");
    }
    socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
  }

  private void ascii(String text) {
    request.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "…";
  }

  /** Closes the socket; idempotent, never throws. */
  @Override
  public void close() {
    reusable = false;
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing left to do with a socket that failed to close
    }
  }
}
