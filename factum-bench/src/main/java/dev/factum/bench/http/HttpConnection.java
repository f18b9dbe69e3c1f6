package dev.factum.bench.http;

import java.io.IOException;
import java.io.InputStream;

/**
 * One load thread's HTTP/1.1 connection to the server under test. A connection is used by one
 * thread at a time and keeps its socket open between requests (keep-alive), as a real client's pool
 * would.
 */
public interface HttpConnection extends AutoCloseable {

  /**
   * Sends one request and reads the whole response.
   *
   * @param target the path and query, e.g. {@code /streams/order-1?limit=100}
   * @param jsonBody the request body, sent as {@code application/json}; null for none
   */
  HttpReply send(String method, String target, byte[] jsonBody) throws IOException;

  /**
   * Opens a Server-Sent Events response ({@code GET target}) and returns its body as it arrives,
   * after checking the status (200) and content type. Closing the stream ends the connection.
   */
  InputStream openEventStream(String target) throws IOException;

  @Override
  void close() throws IOException;
}
