package dev.factum.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests a real client would refuse to send (any bytes in a
 * header, oversized headers) and for checking that a connection stays usable after a refusal
 * (keep-alive). One connection; requests are sent one after another on it.
 */
final class RawHttp implements AutoCloseable {
  /** One response: status, headers (lower-case names), body. */
  record Response(int status, Map<String, String> headers, String body) {}

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  RawHttp(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(20_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /** Sends a request whose head is given as raw bytes (ISO-8859-1), then {@code body}. */
  Response send(String method, String target, byte[] authorization, String body)
      throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    head.writeBytes(
        (method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    if (authorization != null) {
      head.writeBytes("Authorization: ".getBytes(StandardCharsets.ISO_8859_1));
      head.writeBytes(authorization);
      head.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }
    byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    if (body != null) {
      head.writeBytes("Content-Type: application/json\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }
    head.writeBytes(
        ("Content-Length: " + content.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.write(head.toByteArray());
    out.write(content);
    out.flush();
    return read();
  }

  private Response read() throws IOException {
    String status = line();
    if (status == null) {
      throw new IOException("the server closed the connection");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    String line;
    while ((line = line()) != null && !line.isEmpty()) {
      int colon = line.indexOf(':');
      headers.put(
          line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim());
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    return new Response(
        Integer.parseInt(status.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
  }

  private String line() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        String text = bytes.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      bytes.write(b);
    }
    return bytes.size() == 0 ? null : bytes.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
