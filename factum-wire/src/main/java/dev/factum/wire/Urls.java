package dev.factum.wire;

import dev.factum.api.Direction;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LogFilter;
import dev.factum.api.StreamNames;
import dev.factum.api.StreamQuery;

/**
 * Paths and query strings of the v1 API. Every stream name and filter value is percent-encoded as
 * UTF-8 (everything but letters, digits, {@code -}, {@code _} and {@code ~}; dots too, so that a
 * stream named {@code ..} can never be read as a dot-segment), which the server decodes strictly.
 *
 * <p>The client builds its requests with these, and the server its {@code next} links, so a link
 * the server sends is exactly the URL the client would have built for the same page.
 */
public final class Urls {
  private Urls() {}

  public static String stream(String stream) {
    return "/streams/" + encode(checkedStream(stream));
  }

  /** A stream name must be present for the URL to name the right resource at all. */
  public static String checkedStream(String stream) {
    if (stream == null || stream.isEmpty()) {
      throw new InvalidArgumentException("stream name is missing or empty");
    }
    return stream;
  }

  public static String readStream(String stream, long from, Direction direction, int limit) {
    return stream(stream) + "?" + readQuery(from, direction, limit);
  }

  public static String readAll(long from, Direction direction, int limit, LogFilter filter) {
    return "/all?" + readQuery(from, direction, limit) + filterQuery(filter);
  }

  public static String streamEvents(String stream, long from) {
    return stream(stream) + "/events?from=" + from;
  }

  public static String allEvents(long from, LogFilter filter) {
    return "/all/events?from=" + from + filterQuery(filter);
  }

  public static String delete(String stream, String expectedRevision, boolean tombstone) {
    return stream(stream)
        + "?expectedRevision="
        + encode(expectedRevision)
        + (tombstone ? "&tombstone=true" : "");
  }

  /** {@code GET /streams?...}: a page of the stream listing; only the parameters that are set. */
  public static String listStreams(StreamQuery query) {
    StringBuilder url = new StringBuilder("/streams?limit=").append(query.limit());
    if (query.prefix() != null) {
      url.append("&prefix=").append(encode(query.prefix()));
    }
    if (query.category() != null) {
      url.append("&category=").append(encode(query.category()));
    }
    if (query.after() != null) {
      url.append("&after=").append(encode(query.after()));
    }
    if (query.includeSystem()) {
      url.append("&system=true");
    }
    return url.toString();
  }

  private static String readQuery(long from, Direction direction, int limit) {
    if (direction == null) {
      throw new InvalidArgumentException("a required argument is missing");
    }
    return new PageCursor(from, direction, limit).query();
  }

  /**
   * The filter's query parameters ({@code &tag=a&tag=b}, values sorted; {@code &query=<JSON>} for a
   * query, see {@link QueryJson}), or "" for none.
   */
  public static String filterQuery(LogFilter filter) {
    if (filter == null || filter.isNone()) {
      return "";
    }
    if (filter.kind() == LogFilter.Kind.QUERY) {
      return "&query=" + encode(QueryJson.write(filter.query()));
    }
    String name =
        switch (filter.kind()) {
          case CATEGORY -> "category";
          case TYPE -> "type";
          case TAG -> "tag";
          case NONE, QUERY -> throw new IllegalStateException("unreachable");
        };
    StringBuilder query = new StringBuilder();
    for (String value : filter.values().stream().sorted().toList()) {
      query.append('&').append(name).append('=').append(encode(value));
    }
    return query.toString();
  }

  public static String encode(String value) {
    return StreamNames.urlEncode(value);
  }
}
