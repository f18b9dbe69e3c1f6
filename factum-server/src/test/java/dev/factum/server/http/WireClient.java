package dev.factum.server.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A raw HTTP/1.1 client for tests: writes bytes as given and parses responses strictly. */
final class WireClient implements AutoCloseable {
  final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  /** One parsed response; header names lower-cased. */
  record Response(int status, Map<String, String> headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  WireClient(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  void send(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  String line() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != '\n') {
      if (b < 0) {
        throw new IOException("end of stream inside a line: " + bytes);
      }
      bytes.write(b);
    }
    String line = bytes.toString(StandardCharsets.ISO_8859_1);
    if (!line.endsWith("\r")) {
      throw new IOException("a line without CR: " + line);
    }
    return line.substring(0, line.length() - 1);
  }

  Map<String, String> headers() throws IOException {
    Map<String, String> headers = new LinkedHashMap<>();
    String line;
    while (!(line = line()).isEmpty()) {
      int colon = line.indexOf(':');
      headers.put(
          line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
    }
    return headers;
  }

  /** Reads one response (a HEAD's has no body whatever its headers say). */
  Response read(boolean head) throws IOException {
    String status = line();
    if (!status.startsWith("HTTP/1.1 ")) {
      throw new IOException("not a status line: " + status);
    }
    int code = Integer.parseInt(status.substring(9, 12));
    Map<String, String> headers = headers();
    if (head || code == 204 || code == 304 || code / 100 == 1) {
      return new Response(code, headers, new byte[0]);
    }
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      while (true) {
        int size = Integer.parseInt(line(), 16);
        if (size == 0) {
          if (!line().isEmpty()) {
            throw new IOException("trailers");
          }
          return new Response(code, headers, body.toByteArray());
        }
        body.write(in.readNBytes(size));
        if (!line().isEmpty()) {
          throw new IOException("a chunk without CRLF");
        }
      }
    }
    String length = headers.get("content-length");
    if (length == null) {
      return new Response(code, headers, in.readAllBytes());
    }
    byte[] body = in.readNBytes(Integer.parseInt(length));
    return new Response(code, headers, body);
  }

  Response read() throws IOException {
    return read(false);
  }

  /** Whether the server closed the connection (end of stream, or a reset). */
  boolean closedByServer() {
    try {
      return in.read() < 0;
    } catch (IOException e) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
