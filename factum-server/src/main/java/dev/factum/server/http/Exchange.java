package dev.factum.server.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpPrincipal;
import com.sun.net.httpserver.HttpsExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSession;

/**
 * One request and its response on a {@link Connection}, as {@code com.sun.net.httpserver} hands it
 * to a handler; the handler runs on the connection's own thread.
 *
 * <p>{@link #sendResponseHeaders} follows the JDK's documented contract exactly: a length of 0
 * sends a chunked body (or, to an HTTP/1.0 client, a body ended by closing the connection), -1 no
 * body ({@code Content-length: 0}), n a body of exactly n bytes; a 1xx, 204 or 304 status never has
 * a body, nor does the answer to HEAD; a {@code Connection: close} response header ends the
 * connection after this exchange. Writing before the headers are sent is an {@code IOException}.
 *
 * <p>{@link #close} ends the exchange: the request body is drained (up to a bound) and the response
 * body closed, which sends it. Whether the connection may carry another exchange is {@link
 * #reusable}: only if the response was framed completely and the request body read to its end. For
 * a plain connection {@link #getSSLSession} is null (the class is an {@code HttpsExchange} so that
 * one type serves both).
 */
final class Exchange extends HttpsExchange {
  private static final byte[] CONTINUE =
      "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private final Connection connection;
  private final RequestHead head;
  private final HttpContext context;
  private final Headers responseHeaders = new Headers();
  private final RequestBody requestBody;
  private final Placeholder placeholder = new Placeholder();
  private InputStream userIn;
  private OutputStream userOut;
  private ResponseBody body;
  private Map<String, Object> attributes;
  private int status = -1;
  private boolean closeAfter;
  private boolean closed;

  Exchange(Connection connection, RequestHead head, HttpContext context, Limits limits)
      throws IOException {
    this.connection = connection;
    this.head = head;
    this.context = context;
    this.requestBody =
        new RequestBody(
            connection.in, head.bodyLength(), limits.drainBytes(), limits.maxHeadBytes());
    this.userIn = requestBody;
    this.userOut = placeholder;
    this.closeAfter = head.closeRequested();
    if (head.http10()) {
      String asked = head.headers().getFirst("Connection");
      if (asked == null) {
        responseHeaders.set("Connection", "close");
      } else if (asked.equalsIgnoreCase("keep-alive")) {
        responseHeaders.set("Connection", "keep-alive");
        responseHeaders.set("Keep-Alive", "timeout=" + limits.idle().toSeconds());
      }
    }
    if (head.expectContinue() && head.bodyLength() != 0) {
      connection.out.write(CONTINUE);
      connection.out.flush();
    }
  }

  @Override
  public Headers getRequestHeaders() {
    return head.headers();
  }

  @Override
  public Headers getResponseHeaders() {
    return responseHeaders;
  }

  @Override
  public URI getRequestURI() {
    return head.uri();
  }

  @Override
  public String getRequestMethod() {
    return head.method();
  }

  @Override
  public HttpContext getHttpContext() {
    return context;
  }

  @Override
  public InputStream getRequestBody() {
    return userIn;
  }

  @Override
  public OutputStream getResponseBody() {
    return userOut;
  }

  @Override
  public void sendResponseHeaders(int rCode, long responseLength) throws IOException {
    if (body != null) {
      throw new IOException("headers already sent");
    }
    long length = responseLength;
    boolean lengthHeader = true;
    if ((rCode >= 100 && rCode < 200) || rCode == 204 || rCode == 304) {
      length = -1;
      lengthHeader = rCode == 304;
    }
    boolean noBody = false;
    WireOutput out = connection.out;
    if (head.isHead() || rCode == 304) {
      noBody = true;
      body = ResponseBody.fixed(out, 0);
    } else if (length == 0) {
      if (head.http10()) {
        body = ResponseBody.untilClose(out);
        closeAfter = true;
      } else {
        responseHeaders.set("Transfer-encoding", "chunked");
        body = ResponseBody.chunked(out);
      }
    } else {
      if (length == -1) {
        noBody = true;
        length = 0;
      }
      if (lengthHeader) {
        responseHeaders.set("Content-length", Long.toString(length));
      }
      body = ResponseBody.fixed(out, length);
    }
    List<String> asked = responseHeaders.get("Connection");
    if (asked != null) {
      for (String value : asked) {
        if (value.equalsIgnoreCase("close")) {
          closeAfter = true;
        }
      }
    }
    status = rCode;
    writeHead(out, rCode);
    if (noBody) {
      body.close(); // sends the head now: nothing follows it
    }
  }

  private void writeHead(WireOutput out, int rCode) throws IOException {
    out.ascii("HTTP/1.1 ");
    out.ascii(Integer.toString(rCode));
    out.write(' ');
    out.ascii(StatusText.of(rCode));
    out.crlf();
    out.write(HttpDate.headerLine());
    for (Map.Entry<String, List<String>> field : responseHeaders.entrySet()) {
      String name = field.getKey();
      if (name.equals("Date")) {
        continue; // the server's own, as with the JDK server
      }
      for (String value : field.getValue()) {
        out.ascii(name);
        out.write(':');
        out.write(' ');
        out.ascii(value);
        out.crlf();
      }
    }
    out.crlf();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (body == null) {
      closeAfter = true; // no response was started: none can be sent on this connection
      return;
    }
    try {
      userOut.close();
    } catch (IOException | RuntimeException e) {
      closeAfter = true;
    }
    try {
      userIn.close();
    } catch (IOException | RuntimeException e) {
      closeAfter = true;
    }
    requestBody.close();
  }

  /** Whether the connection can carry the next exchange after this one. */
  boolean reusable() {
    return closed && !closeAfter && body != null && body.complete() && requestBody.complete();
  }

  @Override
  public InetSocketAddress getRemoteAddress() {
    return connection.remoteAddress();
  }

  @Override
  public int getResponseCode() {
    return status;
  }

  @Override
  public InetSocketAddress getLocalAddress() {
    return connection.localAddress();
  }

  @Override
  public String getProtocol() {
    return head.version();
  }

  @Override
  public Object getAttribute(String name) {
    if (attributes != null && attributes.containsKey(name)) {
      return attributes.get(name);
    }
    return context.getAttributes().get(name);
  }

  @Override
  public void setAttribute(String name, Object value) {
    if (attributes == null) {
      attributes = new HashMap<>();
    }
    attributes.put(name, value);
  }

  @Override
  public void setStreams(InputStream in, OutputStream out) {
    if (in != null) {
      userIn = in;
    }
    if (out != null) {
      userOut = out;
    }
  }

  @Override
  public HttpPrincipal getPrincipal() {
    return null;
  }

  @Override
  public SSLSession getSSLSession() {
    return connection.sslSession();
  }

  /**
   * The stream handed out before the headers are sent (SSE takes it first): refuses bytes until
   * {@link #sendResponseHeaders} chose the framing, then writes through it.
   */
  private final class Placeholder extends OutputStream {
    private ResponseBody target() throws IOException {
      if (body == null) {
        throw new IOException("response headers not sent yet");
      }
      return body;
    }

    @Override
    public void write(int b) throws IOException {
      target().write(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      target().write(bytes, offset, length);
    }

    @Override
    public void flush() throws IOException {
      target().flush();
    }

    @Override
    public void close() throws IOException {
      target().close();
    }
  }
}
