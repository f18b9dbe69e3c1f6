package dev.factum.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import dev.factum.api.Direction;
import dev.factum.api.EventStore;
import dev.factum.api.LogFilter;
import dev.factum.api.SubscriptionRequest;
import dev.factum.wire.ExactJson;
import dev.factum.wire.ProblemCode;
import dev.factum.wire.QueryJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request, decoded strictly: path segments and query parameters are percent-decoded as
 * UTF-8 (malformed escapes or bytes are {@code invalid-request}, never replacement characters),
 * repeated query parameters are kept in order (only the filters may repeat; a repeated
 * single-valued parameter is {@code invalid-request}, never first-or-last-wins), a parameter the
 * route does not read is {@code invalid-request}, and the body is read up to a limit (beyond it:
 * 413).
 */
final class Request {
  final HttpExchange exchange;
  final String method;
  final List<String> segments;
  private final Map<String, List<String>> query;
  private AuthorizedStore store;

  Request(HttpExchange exchange) {
    this.exchange = exchange;
    this.method = exchange.getRequestMethod();
    String rawPath = exchange.getRequestURI().getRawPath();
    this.segments = new ArrayList<>();
    for (String segment : rawPath.split("/")) {
      if (!segment.isEmpty()) {
        segments.add(decode(segment, false));
      }
    }
    this.query = parseQuery(exchange.getRequestURI().getRawQuery());
  }

  private static Map<String, List<String>> parseQuery(String raw) {
    Map<String, List<String>> query = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return query;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq), true);
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1), true);
      query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return query;
  }

  /** Percent-decoding with strict UTF-8; {@code +} is a space only in query strings. */
  static String decode(String raw, boolean plusIsSpace) {
    if (plainAscii(raw, plusIsSpace)) {
      return raw; // nothing to decode: the common case, without a buffer and a decoder
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          throw HttpProblem.badRequest("malformed percent-escape in the URL");
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw HttpProblem.badRequest("malformed percent-escape in the URL");
        }
        bytes.write(hi * 16 + lo);
        i += 2;
      } else if (c == '+' && plusIsSpace) {
        bytes.write(' ');
      } else if (c < 0x80) {
        bytes.write(c);
      } else {
        byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(utf8, 0, utf8.length);
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw HttpProblem.badRequest("the URL is not valid UTF-8 after percent-decoding");
    }
  }

  /** Whether {@link #decode} would return {@code raw} unchanged: ASCII, no escape, no {@code +}. */
  private static boolean plainAscii(String raw, boolean plusIsSpace) {
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%' || c >= 0x80 || (c == '+' && plusIsSpace)) {
        return false;
      }
    }
    return true;
  }

  /** Refuses any query parameter {@code route} does not read, naming those it does. */
  void onlyParams(Route route) {
    for (String name : query.keySet()) {
      if (!route.query.contains(name)) {
        throw HttpProblem.badRequest(
            "unknown query parameter '"
                + name
                + "' on "
                + route.method
                + " "
                + route.template
                + (route.query.isEmpty()
                    ? ", which takes none"
                    : "; allowed: " + String.join(", ", route.query)));
      }
    }
  }

  /** The single value of a query parameter, or null; repeated where one is expected: 400. */
  String param(String name) {
    List<String> values = query.get(name);
    if (values == null) {
      return null;
    }
    if (values.size() > 1) {
      throw HttpProblem.badRequest("query parameter '" + name + "' is given more than once");
    }
    return values.getFirst();
  }

  List<String> params(String name) {
    return query.getOrDefault(name, List.of());
  }

  long longParam(String name, long fallback, long min, long max) {
    String value = param(name);
    if (value == null) {
      return fallback;
    }
    if (value.isEmpty()
        || value.length() > 19
        || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw HttpProblem.badRequest(
          "query parameter '"
              + name
              + "' must be a whole number from "
              + min
              + " to "
              + max
              + ", was '"
              + value
              + "'");
    }
    long parsed = Long.parseLong(value);
    if (parsed < min || parsed > max) {
      throw HttpProblem.badRequest(
          "query parameter '" + name + "' must be from " + min + " to " + max + ", was " + parsed);
    }
    return parsed;
  }

  /** {@code direction}: forward (the default) or backward. */
  Direction direction() {
    String value = param("direction");
    if (value == null || value.equals("forward")) {
      return Direction.FORWARD;
    }
    if (value.equals("backward")) {
      return Direction.BACKWARD;
    }
    throw HttpProblem.badRequest("'direction' must be forward or backward, was '" + value + "'");
  }

  /** {@code from} of a read: a position or revision, or {@code end}; by default the first. */
  long from(Direction direction) {
    String value = param("from");
    if (value == null) {
      return direction == Direction.FORWARD ? 0 : EventStore.END;
    }
    if (value.equals("end")) {
      return EventStore.END;
    }
    return longParam("from", 0, 0, Long.MAX_VALUE - 1);
  }

  /** {@code from=N}, or {@code from=end} for only what is appended after a feed starts. */
  long subscriptionFrom() {
    return "end".equals(param("from"))
        ? SubscriptionRequest.END
        : longParam("from", 0, 0, Long.MAX_VALUE - 1);
  }

  boolean bool(String name) {
    String value = param(name);
    if (value == null || value.equals("false")) {
      return false;
    }
    if (value.equals("true")) {
      return true;
    }
    throw HttpProblem.badRequest("'" + name + "' must be true or false, was '" + value + "'");
  }

  /**
   * The log filter: one of category, type or tag, each of which may repeat; or a DCB {@code query}
   * (its JSON, once: see {@link QueryJson}); or none.
   */
  LogFilter filter() {
    List<String> categories = params("category");
    List<String> types = params("type");
    List<String> tags = params("tag");
    List<String> queries = params("query");
    int kinds =
        (categories.isEmpty() ? 0 : 1)
            + (types.isEmpty() ? 0 : 1)
            + (tags.isEmpty() ? 0 : 1)
            + (queries.isEmpty() ? 0 : 1);
    if (kinds > 1 || queries.size() > 1) {
      throw HttpProblem.badRequest(
          "filter by one of category, type or tag (each may repeat), or by one query");
    }
    if (!queries.isEmpty()) {
      return LogFilter.query(QueryJson.read(jsonParam("query", queries.getFirst()), "'query'"));
    }
    if (!categories.isEmpty()) {
      return LogFilter.categories(categories.toArray(String[]::new));
    }
    if (!types.isEmpty()) {
      return LogFilter.types(types.toArray(String[]::new));
    }
    if (!tags.isEmpty()) {
      return LogFilter.tags(tags.toArray(String[]::new));
    }
    return LogFilter.none();
  }

  /** Set by the router once the caller is authenticated and the route authorized. */
  void authorize(AuthorizedStore view) {
    this.store = view;
  }

  /** The store as this request's principal may use it. */
  AuthorizedStore store() {
    if (store == null) {
      throw new IllegalStateException("the request was not authorized");
    }
    return store;
  }

  /** A query parameter holding JSON, parsed strictly. */
  static JsonNode jsonParam(String name, String value) {
    try {
      return ExactJson.read(WireFormat.JSON, value.getBytes(StandardCharsets.UTF_8), true);
    } catch (ExactJson.Malformed e) {
      throw HttpProblem.badRequest(
          "query parameter '" + name + "' is not valid JSON: " + e.getMessage());
    }
  }

  String header(String name) {
    return exchange.getRequestHeaders().getFirst(name);
  }

  /** Reads the body, refusing anything over {@code limit} bytes and anything but JSON. */
  byte[] jsonBody(long limit) throws IOException {
    String contentType = header("Content-Type");
    if (contentType == null
        || !contentType.split(";")[0].trim().equalsIgnoreCase("application/json")) {
      throw new HttpProblem(
          ProblemCode.UNSUPPORTED_MEDIA_TYPE,
          "the body must be sent as Content-Type: application/json");
    }
    String declared = header("Content-Length");
    if (declared != null) {
      try {
        if (Long.parseLong(declared.trim()) > limit) {
          throw HttpProblem.tooLarge("the body may be at most " + limit + " bytes");
        }
      } catch (NumberFormatException e) {
        throw HttpProblem.badRequest("Content-Length is not a number");
      }
    }
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
      if (body.length > limit) {
        throw HttpProblem.tooLarge("the body may be at most " + limit + " bytes");
      }
      return body;
    }
  }
}
