package dev.factum.server;

import dev.factum.wire.ProblemCode;
import java.util.List;

/**
 * Every route of the v1 API: method, path template and the {@link Permission} it needs. The OpenAPI
 * document in the repository must list exactly these (a test checks both directions).
 */
enum Route {
  APPEND("POST", "/streams/{stream}", Permission.WRITE),
  READ_STREAM("GET", "/streams/{stream}", Permission.READ, "from", "direction", "limit"),
  DELETE_STREAM("DELETE", "/streams/{stream}", Permission.WRITE, "expectedRevision", "tombstone"),
  STREAM_STATE("GET", "/streams/{stream}/state", Permission.READ),
  STREAM_EVENTS("GET", "/streams/{stream}/events", Permission.READ, "from"),
  STREAM_SNAPSHOT("GET", "/streams/{stream}/snapshot", Permission.READ),
  STREAM_SAVE_SNAPSHOT("PUT", "/streams/{stream}/snapshot", Permission.WRITE),
  LIST_STREAMS(
      "GET", "/streams", Permission.READ, "prefix", "category", "after", "limit", "system"),
  STREAM_METADATA("GET", "/streams/{stream}/metadata", Permission.READ),
  STREAM_SET_METADATA("PUT", "/streams/{stream}/metadata", Permission.WRITE),
  READ_ALL(
      "GET",
      "/all",
      Permission.READ,
      "from",
      "direction",
      "limit",
      "category",
      "type",
      "tag",
      "query",
      "wait"),
  ALL_EVENTS("GET", "/all/events", Permission.READ, "from", "category", "type", "tag", "query"),
  MULTI_APPEND("POST", "/append", Permission.WRITE),
  IMPORT("POST", "/import", Permission.ADMIN),
  DCB_READ("GET", "/dcb/read", Permission.READ, "query", "options"),
  DCB_APPEND("POST", "/dcb/append", Permission.WRITE),
  GROUPS("GET", "/groups", Permission.READ),
  GROUP_CREATE("POST", "/groups", Permission.ADMIN),
  GROUP_STATUS("GET", "/groups/{group}", Permission.READ),
  GROUP_UPDATE("PUT", "/groups/{group}", Permission.ADMIN),
  GROUP_DELETE("DELETE", "/groups/{group}", Permission.ADMIN),
  GROUP_POLL("POST", "/groups/{group}/poll", Permission.READ),
  GROUP_ACK("POST", "/groups/{group}/ack", Permission.READ),
  GROUP_NACK("POST", "/groups/{group}/nack", Permission.READ),
  GROUP_PARK("POST", "/groups/{group}/park", Permission.READ),
  GROUP_LEAVE("POST", "/groups/{group}/leave", Permission.READ),
  GROUP_APPEND("POST", "/groups/{group}/append", Permission.WRITE),
  GROUP_PARKED("GET", "/groups/{group}/parked", Permission.READ),
  GROUP_REPLAY("POST", "/groups/{group}/replay", Permission.ADMIN),
  GROUP_SKIP("POST", "/groups/{group}/skip", Permission.ADMIN),
  GROUP_PROCESSED("GET", "/groups/{group}/processed", Permission.READ, "position", "wait"),
  PROJECTIONS("GET", "/projections", Permission.READ),
  PROJECTION_DEFINITION("GET", "/projections/{name}", Permission.READ),
  PROJECTION_PUT("PUT", "/projections/{name}", Permission.WRITE),
  PROJECTION_DELETE("DELETE", "/projections/{name}", Permission.WRITE),
  PROJECTION_STATUS("GET", "/projections/{name}/status", Permission.READ),
  PROJECTION_DOCUMENTS(
      "GET",
      "/projections/{name}/documents",
      Permission.READ,
      "skip",
      "limit",
      "sort",
      "reference",
      "from",
      "to",
      "search",
      "id",
      "position",
      "wait"),
  PROJECTION_DOCUMENT(
      "GET", "/projections/{name}/documents/{id}", Permission.READ, "position", "wait"),
  PROJECTION_COUNT(
      "GET", "/projections/{name}/count", Permission.READ, "reference", "position", "wait"),
  PROJECTION_AGGREGATE("GET", "/projections/{name}/aggregate", Permission.READ, "position", "wait"),
  ADMIN_KEYS("GET", "/admin/keys", Permission.ADMIN),
  ADMIN_CREATE_KEY("POST", "/admin/keys", Permission.ADMIN),
  ADMIN_REVOKE_KEY("DELETE", "/admin/keys/{id}", Permission.ADMIN),
  ADMIN_AUDIT("GET", "/admin/audit", Permission.ADMIN, "from", "limit"),
  ADMIN_BACKUP("POST", "/admin/backup", Permission.ADMIN),
  ADMIN_FORGET_SUBJECT("DELETE", "/admin/subjects/{subject}", Permission.ADMIN),
  ADMIN_CHAIN("GET", "/admin/chain", Permission.ADMIN),
  ADMIN_VERIFY("GET", "/admin/verify", Permission.ADMIN, "anchor"),
  ADMIN_SCAVENGE("POST", "/admin/scavenge", Permission.ADMIN),
  ADMIN_SCAVENGE_STATUS("GET", "/admin/scavenge", Permission.ADMIN),
  ADMIN_TENANTS("GET", "/admin/tenants", Permission.ADMIN),
  ADMIN_CREATE_TENANT("POST", "/admin/tenants", Permission.ADMIN),
  ADMIN_TENANT("GET", "/admin/tenants/{name}", Permission.ADMIN),
  ADMIN_DELETE_TENANT("DELETE", "/admin/tenants/{name}", Permission.ADMIN),
  ADMIN_WEBHOOKS("GET", "/admin/webhooks", Permission.ADMIN),
  ADMIN_CREATE_WEBHOOK("POST", "/admin/webhooks", Permission.ADMIN),
  ADMIN_WEBHOOK("GET", "/admin/webhooks/{name}", Permission.ADMIN),
  ADMIN_DELETE_WEBHOOK("DELETE", "/admin/webhooks/{name}", Permission.ADMIN),
  ADMIN_PAUSE_WEBHOOK("POST", "/admin/webhooks/{name}/pause", Permission.ADMIN),
  ADMIN_RESUME_WEBHOOK("POST", "/admin/webhooks/{name}/resume", Permission.ADMIN),
  ADMIN_SINKS("GET", "/admin/sinks", Permission.ADMIN),
  ADMIN_CREATE_SINK("POST", "/admin/sinks", Permission.ADMIN),
  ADMIN_SINK("GET", "/admin/sinks/{name}", Permission.ADMIN),
  ADMIN_DELETE_SINK("DELETE", "/admin/sinks/{name}", Permission.ADMIN),
  ADMIN_PAUSE_SINK("POST", "/admin/sinks/{name}/pause", Permission.ADMIN),
  ADMIN_RESUME_SINK("POST", "/admin/sinks/{name}/resume", Permission.ADMIN),
  LIVE("GET", "/health/live", Permission.PUBLIC),
  READY("GET", "/health/ready", Permission.PUBLIC),
  METRICS("GET", "/metrics", Permission.PUBLIC),
  OPENAPI("GET", "/openapi.json", Permission.PUBLIC),
  CONSOLE("GET", "/console", Permission.PUBLIC),
  CONSOLE_ASSET("GET", "/console/{asset}", Permission.PUBLIC),
  ROOT("GET", "/", Permission.READ),
  SERIALIZED_SAVE(
      "POST", "/serialized/aggregates/{aggregateType}/{aggregateId}/events", Permission.WRITE),
  SERIALIZED_BULK_SAVE("POST", "/serialized/aggregates/{aggregateType}/events", Permission.WRITE),
  SERIALIZED_LOAD(
      "GET",
      "/serialized/aggregates/{aggregateType}/{aggregateId}",
      Permission.READ,
      "since",
      "limit"),
  SERIALIZED_EXISTS(
      "HEAD", "/serialized/aggregates/{aggregateType}/{aggregateId}", Permission.READ),
  SERIALIZED_DELETE(
      "DELETE",
      "/serialized/aggregates/{aggregateType}/{aggregateId}",
      Permission.WRITE,
      "deleteToken"),
  SERIALIZED_DELETE_TYPE(
      "DELETE", "/serialized/aggregates/{aggregateType}", Permission.WRITE, "deleteToken"),
  SERIALIZED_REACTION_DEFINITIONS("GET", "/serialized/reactions/definitions", Permission.ADMIN),
  SERIALIZED_CREATE_REACTION_DEFINITION(
      "POST", "/serialized/reactions/definitions", Permission.ADMIN),
  SERIALIZED_REACTION_DEFINITION(
      "GET", "/serialized/reactions/definitions/{reactionName}", Permission.ADMIN),
  SERIALIZED_PUT_REACTION_DEFINITION(
      "PUT", "/serialized/reactions/definitions/{reactionName}", Permission.ADMIN),
  SERIALIZED_DELETE_REACTION_DEFINITION(
      "DELETE", "/serialized/reactions/definitions/{reactionName}", Permission.ADMIN),
  SERIALIZED_REACTIONS("GET", "/serialized/reactions", Permission.READ, "status", "skip", "limit"),
  SERIALIZED_EXECUTE_REACTION(
      "POST", "/serialized/reactions/{reactionId}/execute", Permission.WRITE),
  SERIALIZED_DELETE_REACTION("DELETE", "/serialized/reactions/{reactionId}", Permission.WRITE),
  SERIALIZED_TENANTS("GET", "/serialized/tenants", Permission.ADMIN),
  SERIALIZED_CREATE_TENANT("POST", "/serialized/tenants", Permission.ADMIN),
  SERIALIZED_UPDATE_TENANT("PUT", "/serialized/tenants/{tenantId}", Permission.ADMIN),
  SERIALIZED_DELETE_TENANT("DELETE", "/serialized/tenants/{tenantId}", Permission.ADMIN),
  SERIALIZED_FEEDS("GET", "/serialized/feeds", Permission.READ),
  SERIALIZED_FEED(
      "GET",
      "/serialized/feeds/{feedName}",
      Permission.READ,
      "since",
      "limit",
      "filterType",
      "from",
      "to",
      "waitTime",
      "partitionCount",
      "partitionNumber"),
  SERIALIZED_FEED_HEAD("HEAD", "/serialized/feeds/{feedName}", Permission.READ),
  SERIALIZED_PROJECTION_DEFINITIONS("GET", "/serialized/projections/definitions", Permission.READ),
  SERIALIZED_CREATE_PROJECTION_DEFINITION(
      "POST", "/serialized/projections/definitions", Permission.WRITE),
  SERIALIZED_PROJECTION_DEFINITION(
      "GET", "/serialized/projections/definitions/{projectionName}", Permission.READ),
  SERIALIZED_PUT_PROJECTION_DEFINITION(
      "PUT", "/serialized/projections/definitions/{projectionName}", Permission.WRITE),
  SERIALIZED_DELETE_PROJECTION_DEFINITION(
      "DELETE", "/serialized/projections/definitions/{projectionName}", Permission.WRITE),
  SERIALIZED_SINGLE_PROJECTIONS(
      "GET",
      "/serialized/projections/single/{projectionName}",
      Permission.READ,
      "skip",
      "limit",
      "sort",
      "reference",
      "from",
      "to",
      "search",
      "id"),
  SERIALIZED_RESET_SINGLE_PROJECTIONS(
      "DELETE", "/serialized/projections/single/{projectionName}", Permission.WRITE),
  SERIALIZED_SINGLE_PROJECTION(
      "GET",
      "/serialized/projections/single/{projectionName}/{projectionId}",
      Permission.READ,
      "awaitCreation"),
  SERIALIZED_SINGLE_PROJECTION_COUNT(
      "GET",
      "/serialized/projections/single/{projectionName}/_count",
      Permission.READ,
      "reference"),
  SERIALIZED_AGGREGATED_PROJECTION(
      "GET", "/serialized/projections/aggregated/{projectionName}", Permission.READ),
  SERIALIZED_RESET_AGGREGATED_PROJECTION(
      "DELETE", "/serialized/projections/aggregated/{projectionName}", Permission.WRITE),
  SERIALIZED_AGGREGATED_PROJECTION_COUNT(
      "GET",
      "/serialized/projections/aggregated/{projectionName}/_count",
      Permission.READ,
      "reference");

  final String method;
  final String template;

  /**
   * What the caller's key must allow; checked by the router before the resource runs (no route
   * lacks one: it is a constructor argument).
   */
  final Permission permission;

  /**
   * The query parameters the route reads, in the order the docs list them; any other is refused
   * ({@code invalid-request}), so a typo such as {@code categroy} never silently widens a read.
   */
  final List<String> query;

  Route(String method, String template, Permission permission, String... query) {
    this.method = method;
    this.template = template;
    this.permission = permission;
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
      throw new HttpProblem(ProblemCode.NOT_FOUND, "no resource at this path");
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
        ? new HttpProblem(ProblemCode.METHOD_NOT_ALLOWED, method + " is not allowed on " + template)
        : new HttpProblem(ProblemCode.NOT_FOUND, "no resource at this path");
  }

  /** Whether the route belongs to the Serialized-compatible API (its own key headers). */
  boolean serialized() {
    return template.startsWith("/serialized/");
  }

  /** The templates under {@code /serialized/}: aggregates by type (and id), feeds by name. */
  private static String serializedTemplate(List<String> segments) {
    int size = segments.size();
    if (size >= 3 && size <= 5 && segments.get(1).equals("aggregates")) {
      return switch (size) {
        case 3 -> "/serialized/aggregates/{aggregateType}";
        case 4 ->
            segments.get(3).equals("events")
                ? "/serialized/aggregates/{aggregateType}/events"
                : "/serialized/aggregates/{aggregateType}/{aggregateId}";
        default ->
            segments.get(4).equals("events")
                ? "/serialized/aggregates/{aggregateType}/{aggregateId}/events"
                : null;
      };
    }
    if (size >= 3 && size <= 5 && segments.get(1).equals("projections")) {
      return projectionTemplate(segments);
    }
    if (size >= 2 && size <= 4 && segments.get(1).equals("reactions")) {
      return reactionTemplate(segments);
    }
    if (size >= 2 && size <= 3 && segments.get(1).equals("tenants")) {
      return size == 2 ? "/serialized/tenants" : "/serialized/tenants/{tenantId}";
    }
    if (segments.get(size > 1 ? 1 : 0).equals("feeds") && (size == 2 || size == 3)) {
      return size == 2 ? "/serialized/feeds" : "/serialized/feeds/{feedName}";
    }
    return null;
  }

  /** Projection definitions by name; single projections by name (and id); aggregated by name. */
  private static String projectionTemplate(List<String> segments) {
    int size = segments.size();
    String kind = segments.get(2);
    if (kind.equals("definitions")) {
      return size == 3
          ? "/serialized/projections/definitions"
          : size == 4 ? "/serialized/projections/definitions/{projectionName}" : null;
    }
    if (!kind.equals("single") && !kind.equals("aggregated")) {
      return null;
    }
    String base = "/serialized/projections/" + kind + "/{projectionName}";
    if (size == 4) {
      return base;
    }
    if (size == 5 && segments.get(4).equals("_count")) {
      return base + "/_count";
    }
    return size == 5 && kind.equals("single") ? base + "/{projectionId}" : null;
  }

  /** {@code /serialized/reactions}, its definitions (by name) and reactions (by id). */
  private static String reactionTemplate(List<String> segments) {
    int size = segments.size();
    if (size == 2) {
      return "/serialized/reactions";
    }
    boolean definitions = segments.get(2).equals("definitions");
    if (size == 3) {
      return definitions
          ? "/serialized/reactions/definitions"
          : "/serialized/reactions/{reactionId}";
    }
    if (definitions) {
      return "/serialized/reactions/definitions/{reactionName}";
    }
    return segments.get(3).equals("execute") ? "/serialized/reactions/{reactionId}/execute" : null;
  }

  /** A native projection by name, its status, count, aggregate, documents and a document. */
  private static String projectionsTemplate(List<String> segments) {
    int size = segments.size();
    if (size == 2) {
      return "/projections/{name}";
    }
    String part = segments.get(2);
    if (size == 4) {
      return part.equals("documents") ? "/projections/{name}/documents/{id}" : null;
    }
    return switch (part) {
      case "status", "documents", "count", "aggregate" -> "/projections/{name}/" + part;
      default -> null;
    };
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
        case "snapshot" -> "/streams/{stream}/snapshot";
        case "metadata" -> "/streams/{stream}/metadata";
        default -> null;
      };
    }
    if (first.equals("groups") && (size == 2 || size == 3)) {
      String template = size == 2 ? "/groups/{group}" : "/groups/{group}/" + segments.get(2);
      for (Route route : values()) {
        if (route.template.equals(template)) {
          return template;
        }
      }
      return null;
    }
    if (first.equals("serialized")) {
      return serializedTemplate(segments);
    }
    if (first.equals("projections") && size >= 2 && size <= 4) {
      return projectionsTemplate(segments);
    }
    if (first.equals("console") && size == 2) {
      return "/console/{asset}";
    }
    if (first.equals("admin") && size == 3 && segments.get(1).equals("subjects")) {
      return "/admin/subjects/{subject}";
    }
    if (first.equals("admin") && size == 3 && segments.get(1).equals("keys")) {
      return "/admin/keys/{id}";
    }
    if (first.equals("admin") && size == 3 && segments.get(1).equals("tenants")) {
      return "/admin/tenants/{name}";
    }
    if (first.equals("admin")
        && (size == 3 || size == 4)
        && (segments.get(1).equals("webhooks") || segments.get(1).equals("sinks"))) {
      String named = "/admin/" + segments.get(1) + "/{name}";
      if (size == 3) {
        return named;
      }
      return segments.get(3).equals("pause") || segments.get(3).equals("resume")
          ? named + "/" + segments.get(3)
          : null;
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
