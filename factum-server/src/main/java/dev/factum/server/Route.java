package dev.factum.server;

import java.util.List;

/**
 * Every route of the v1 API: method and path template. The OpenAPI document in the repository must
 * list exactly these (a test checks both directions).
 */
enum Route {
  APPEND("POST", "/streams/{stream}"),
  READ_STREAM("GET", "/streams/{stream}", "from", "direction", "limit"),
  DELETE_STREAM("DELETE", "/streams/{stream}", "expectedRevision", "tombstone"),
  STREAM_STATE("GET", "/streams/{stream}/state"),
  STREAM_EVENTS("GET", "/streams/{stream}/events", "from"),
  READ_ALL("GET", "/all", "from", "direction", "limit", "category", "type", "tag", "query", "wait"),
  ALL_EVENTS("GET", "/all/events", "from", "category", "type", "tag", "query"),
  MULTI_APPEND("POST", "/append"),
  IMPORT("POST", "/import"),
  DCB_READ("GET", "/dcb/read", "query", "options"),
  DCB_APPEND("POST", "/dcb/append"),
  LIVE("GET", "/health/live"),
  READY("GET", "/health/ready"),
  METRICS("GET", "/metrics"),
  OPENAPI("GET", "/openapi.json"),
  ROOT("GET", "/");

  final String method;
  final String template;

  /**
   * The query parameters the route reads, in the order the docs list them; any other is refused
   * ({@code invalid-request}), so a typo such as {@code categroy} never silently widens a read.
   */
  final List<String> query;

  Route(String method, String template, String... query) {
    this.method = method;
    this.template = template;
    this.query = List.of(query);
  }

  /** A resolved request: its route and the path parameters the template names. */
  record Match(Route route, String stream) {}

  /** The route a request names, with its decoded stream name (null where the path has none). */
  static Match resolve(String method, List<String> segments) {
    String stream =
        segments.size() >= 2 && segments.getFirst().equals("streams") ? segments.get(1) : null;
    String template = template(segments);
    if (template == null) {
      throw new HttpProblem(404, "not-found", "no resource at this path");
    }
    boolean pathKnown = false;
    for (Route route : values()) {
      if (route.template.equals(template)) {
        pathKnown = true;
        if (route.method.equals(method)) {
          return new Match(route, stream);
        }
      }
    }
    throw pathKnown
        ? new HttpProblem(405, "method-not-allowed", method + " is not allowed on " + template)
        : new HttpProblem(404, "not-found", "no resource at this path");
  }

  private static String template(List<String> segments) {
    if (segments.isEmpty()) {
      return "/";
    }
    String first = segments.getFirst();
    int size = segments.size();
    if (first.equals("streams") && (size == 2 || size == 3)) {
      if (size == 2) {
        return "/streams/{stream}";
      }
      return switch (segments.get(2)) {
        case "state" -> "/streams/{stream}/state";
        case "events" -> "/streams/{stream}/events";
        default -> null;
      };
    }
    String joined = "/" + String.join("/", segments);
    for (Route route : values()) {
      if (!route.template.contains("{") && route.template.equals(joined)) {
        return joined;
      }
    }
    return null;
  }
}
