package dev.factum.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes responses: status, content type, caching headers, compression ({@link Compression}) and
 * problem documents ({@link Problems}).
 *
 * <p>What must stay true: every response is complete (its length known) before it is sent; a
 * response is {@code no-store} unless a resource marked it {@link #immutable}; a problem never
 * inherits the caching headers of a page that was found cacheable before the failure.
 */
final class Responses {
  /** The caching headers of a page that can never change: a full forward page of the log. */
  static final String IMMUTABLE = "public, max-age=31536000, immutable";

  private Responses() {}

  /** Writes the fields of one JSON object. */
  @FunctionalInterface
  interface ObjectWriter {
    void write(JsonGenerator json) throws IOException;
  }

  static int json(HttpExchange exchange, int status, ObjectWriter writer) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);
    try (JsonGenerator json = WireFormat.generator(buffer)) {
      json.writeStartObject();
      writer.write(json);
      json.writeEndObject();
    }
    return raw(exchange, status, "application/json", buffer.toByteArray());
  }

  /** A JSON body rendered into {@code json} (a page: {@link EventJson}), sent without a copy. */
  static int json(HttpExchange exchange, int status, JsonOutput json) throws IOException {
    return raw(exchange, status, "application/json", json.bytes(), json.length());
  }

  static int raw(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    return raw(exchange, status, contentType, body, body.length);
  }

  /** As {@link #raw(HttpExchange, int, String, byte[])}, the body the first {@code length}. */
  private static int raw(
      HttpExchange exchange, int status, String contentType, byte[] body, int length)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    if (!exchange.getResponseHeaders().containsKey("Cache-Control")) {
      // Only a page that can never change says otherwise (see immutable); everything else is live.
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
    }
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(status, -1); // the status and headers are the whole answer
      return status;
    }
    byte[] compressed = Compression.encode(exchange, body, length);
    if (compressed != null) {
      body = compressed;
      length = compressed.length;
    }
    exchange.sendResponseHeaders(status, length == 0 ? -1 : length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body, 0, length);
    }
    return status;
  }

  /**
   * Marks the response as never changing under {@code etag}; if the client already holds it,
   * answers 304 and returns true (the caller then sends nothing more).
   */
  static boolean immutable(Request request, String etag) throws IOException {
    request.exchange.getResponseHeaders().set("Cache-Control", IMMUTABLE);
    request.exchange.getResponseHeaders().set("ETag", etag);
    if (etag.equals(request.header("If-None-Match"))) {
      request.exchange.sendResponseHeaders(304, -1);
      return true;
    }
    return false;
  }

  /** Renders {@code failure} as a problem, if the headers have not been sent yet. */
  static int problem(HttpExchange exchange, Throwable failure) {
    Problems.Rendered problem = Problems.render(failure);
    try {
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.getResponseHeaders().remove("ETag");
      if (problem.retryAfterSeconds() > 0) {
        exchange
            .getResponseHeaders()
            .set("Retry-After", Integer.toString(problem.retryAfterSeconds()));
      }
      raw(exchange, problem.status(), Problems.CONTENT_TYPE, problem.body());
    } catch (IOException | RuntimeException ignored) {
      // headers were already sent (a streaming response failed) or the client is gone
    }
    return problem.status();
  }
}
