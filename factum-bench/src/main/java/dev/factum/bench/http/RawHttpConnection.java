package dev.factum.bench.http;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A minimal HTTP/1.1 client on one blocking keep-alive socket, written for the load generator so
 * that the client's own CPU cost stays small next to the server's on a machine where both share the
 * cores.
 *
 * <p>Design note: it speaks only what the benchmark needs of the server under test: requests with
 * or without a JSON body, written in one {@code write} (TCP_NODELAY, so no request waits for
 * Nagle), and responses framed by {@code Content-Length} or chunked transfer encoding. It reads
 * through its own buffer, so a response costs a few socket reads and no per-byte locking. A
 * response that says {@code Connection: close} (or a failed exchange) closes the socket; the next
 * request opens a new one. It is not a general client: no redirects, no 100-continue, no trailers.
 * With a TLS socket factory ({@code --tls}) it layers TLS on the socket, host name checked.
 */
final class RawHttpConnection implements HttpConnection {
  private static final int BUFFER = 64 << 10;
  private static final byte[] CRLF = {'\r', '\n'};

  private final String host;
  private final int port;
  private final SSLSocketFactory tls;
  private final byte[] hostHeader;
  private final ByteArrayOutputStream request = new ByteArrayOutputStream(4 << 10);
  private final byte[] buffer = new byte[BUFFER];
  private int position;
  private int limit;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  /**
   * A connection that speaks TLS through {@code tls}, or plain HTTP when it is null; a non-null
   * {@code apiKey} goes on every request as {@code Authorization: Bearer} (written with the host
   * header, so it costs the client nothing per request).
   */
  RawHttpConnection(String host, int port, SSLSocketFactory tls, String apiKey) {
    this.host = host;
    this.port = port;
    this.tls = tls;
    String headers = "Host: " + host + ":" + port + "\r\n";
    if (apiKey != null) {
      headers += "Authorization: Bearer " + apiKey + "\r\n";
    }
    this.hostHeader = headers.getBytes(StandardCharsets.US_ASCII);
  }

  /** The parts of a response head the client acts on. */
  private record Head(
      int status, String contentType, long contentLength, boolean chunked, boolean close) {}

  @Override
  public HttpReply send(String method, String target, byte[] jsonBody) throws IOException {
    boolean done = false;
    try {
      open();
      request.reset();
      ascii(method + " " + target + " HTTP/1.1\r\n");
      request.write(hostHeader);
      if (jsonBody != null) {
        ascii("Content-Type: application/json\r\nContent-Length: " + jsonBody.length + "\r\n");
      }
      request.write(CRLF);
      if (jsonBody != null) {
        request.write(jsonBody);
      }
      request.writeTo(out);
      out.flush();
      Head head = readHead();
      byte[] body;
      if (head.chunked()) {
        try (ChunkedBody chunks = new ChunkedBody(bodyInput(), false)) {
          body = chunks.readAllBytes();
        }
      } else if (head.contentLength() >= 0) {
        body = readExactly(Math.toIntExact(head.contentLength()));
      } else {
        throw new IOException(method + " " + target + ": a response without a length");
      }
      if (head.close()) {
        closeSocket();
      }
      done = true;
      return new HttpReply(head.status(), body);
    } finally {
      if (!done) {
        closeSocket();
      }
    }
  }

  @Override
  public InputStream openEventStream(String target) throws IOException {
    open();
    request.reset();
    ascii("GET " + target + " HTTP/1.1\r\n");
    request.write(hostHeader);
    ascii("Accept: text/event-stream\r\n\r\n");
    request.writeTo(out);
    out.flush();
    Head head = readHead();
    if (head.status() != 200 || !head.contentType().startsWith("text/event-stream")) {
      closeSocket();
      throw new IllegalStateException(
          "GET " + target + " answered " + head.status() + " " + head.contentType());
    }
    if (!head.chunked()) {
      return bodyInput(); // a body that lasts until the connection closes
    }
    return new ChunkedBody(bodyInput(), true);
  }

  @Override
  public void close() {
    closeSocket();
  }

  private void open() throws IOException {
    if (socket != null) {
      return;
    }
    Socket fresh = new Socket();
    try {
      fresh.setTcpNoDelay(true);
      fresh.connect(new InetSocketAddress(host, port), 10_000);
      if (tls != null) {
        SSLSocket secure = (SSLSocket) tls.createSocket(fresh, host, port, true);
        SSLParameters parameters = secure.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        secure.setSSLParameters(parameters);
        secure.startHandshake();
        fresh = secure;
      }
      in = fresh.getInputStream();
      out = fresh.getOutputStream();
    } catch (IOException e) {
      fresh.close();
      throw e;
    }
    socket = fresh;
    position = 0;
    limit = 0;
  }

  private void closeSocket() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // nothing left to do with it
      }
      socket = null;
    }
  }

  private void ascii(String text) {
    request.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
  }

  private Head readHead() throws IOException {
    String statusLine = readLine();
    if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
      throw new IOException("not an HTTP/1.x status line: " + statusLine);
    }
    int status = Integer.parseInt(statusLine.substring(9, 12));
    String contentType = "";
    long contentLength = -1;
    boolean chunked = false;
    boolean close = false;
    String line;
    while (!(line = readLine()).isEmpty()) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        throw new IOException("a malformed header line: " + line);
      }
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      switch (name) {
        case "content-type" -> contentType = value;
        case "content-length" -> contentLength = Long.parseLong(value);
        case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        case "connection" -> close = value.equalsIgnoreCase("close");
        default -> {
          // not needed
        }
      }
    }
    return new Head(status, contentType, contentLength, chunked, close);
  }

  /** One line up to CRLF (or LF), without it, as ASCII. */
  private String readLine() throws IOException {
    StringBuilder line = new StringBuilder(64);
    while (true) {
      if (position == limit && !fill()) {
        throw new EOFException("the server closed the connection mid-response");
      }
      byte b = buffer[position++];
      if (b == '\n') {
        int length = line.length();
        if (length > 0 && line.charAt(length - 1) == '\r') {
          line.setLength(length - 1);
        }
        return line.toString();
      }
      line.append((char) (b & 0xff));
    }
  }

  private byte[] readExactly(int length) throws IOException {
    byte[] body = new byte[length];
    int done = Math.min(length, limit - position);
    System.arraycopy(buffer, position, body, 0, done);
    position += done;
    while (done < length) {
      int read = in.read(body, done, length - done);
      if (read < 0) {
        throw new EOFException("the server closed the connection mid-body");
      }
      done += read;
    }
    return body;
  }

  private boolean fill() throws IOException {
    int read = in.read(buffer, 0, buffer.length);
    if (read <= 0) {
      return false;
    }
    position = 0;
    limit = read;
    return true;
  }

  /** The socket's input from the current buffer position on; closing it closes the socket. */
  private InputStream bodyInput() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        if (position == limit && !fill()) {
          return -1;
        }
        return buffer[position++] & 0xff;
      }

      @Override
      public int read(byte[] into, int offset, int length) throws IOException {
        if (length == 0) {
          return 0;
        }
        if (position == limit) {
          if (length >= buffer.length) {
            return in.read(into, offset, length);
          }
          if (!fill()) {
            return -1;
          }
        }
        int n = Math.min(length, limit - position);
        System.arraycopy(buffer, position, into, offset, n);
        position += n;
        return n;
      }

      @Override
      public void close() {
        closeSocket();
      }
    };
  }
}
