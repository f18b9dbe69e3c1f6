package dev.factum.server;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.factum.projections.DefinitionJson;
import dev.factum.projections.ProjectionDefinition;
import dev.factum.projections.ProjectionDocument;
import dev.factum.projections.ProjectionPage;
import dev.factum.projections.ProjectionStatus;
import dev.factum.projections.Projections;
import dev.factum.wire.ProblemCode;
import dev.factum.wire.WireJson;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The declarative projections under the native paths, {@code /projections} (docs/PROJECTIONS.md):
 * definitions by name (PUT creates or replaces, GET, list, DELETE), a definition's status, its
 * documents (one by id, a page, a count) and an aggregated projection's one document. The work is
 * {@link Projections}' (module factum-projections), reached through {@link ProjectionAccess} like
 * the Serialized face, so both serve one store of definitions and documents.
 *
 * <p>What must stay true:
 *
 * <ul>
 *   <li>A bad definition or parameter is {@code invalid-request} and writes nothing: the body is
 *       parsed and checked before anything is stored; a body naming another projection than the
 *       path is refused.
 *   <li>Read-your-writes: with {@code position=P} a query first waits (at most {@code wait}
 *       seconds, bounded by the server's long-poll cap) until the projection has applied every
 *       event at or below P, and says in {@value #PROCESSED} whether it had; the state it then
 *       reads includes those events (their acks and the state are one write).
 *   <li>Every wait is bounded; none holds a lock.
 * </ul>
 */
final class NativeProjectionResource implements Resource {
  /** The response header that says whether the projection had processed {@code position}. */
  static final String PROCESSED = "Factum-Projection-Processed";

  private final ServerConfig config;
  private final ProjectionAccess projections;

  NativeProjectionResource(ServerConfig config, ProjectionAccess projections) {
    this.config = config;
    this.projections = projections;
  }

  @Override
  public Set<Route> routes() {
    return Set.of(
        Route.PROJECTIONS,
        Route.PROJECTION_DEFINITION,
        Route.PROJECTION_PUT,
        Route.PROJECTION_DELETE,
        Route.PROJECTION_STATUS,
        Route.PROJECTION_DOCUMENTS,
        Route.PROJECTION_DOCUMENT,
        Route.PROJECTION_COUNT,
        Route.PROJECTION_AGGREGATE);
  }

  @Override
  public int handle(Request request, Route.Match match) throws IOException, InterruptedException {
    if (match.route() == Route.PROJECTIONS) {
      return list(request);
    }
    String name = request.segments.get(1);
    if (match.route() == Route.PROJECTION_PUT) {
      return put(request, name);
    }
    ProjectionDefinition definition = projections.existing(request, name);
    Projections all = projections.of(request, definition);
    return switch (match.route()) {
      case PROJECTION_DEFINITION ->
          Responses.json(request.exchange, 200, json -> writeDefinition(json, definition));
      case PROJECTION_DELETE -> {
        all.delete(name);
        yield Responses.raw(request.exchange, 204, "application/json", new byte[0]);
      }
      case PROJECTION_STATUS -> status(request, all, name);
      case PROJECTION_DOCUMENTS -> documents(request, all, name);
      case PROJECTION_DOCUMENT -> document(request, all, definition);
      case PROJECTION_COUNT -> count(request, all, name);
      case PROJECTION_AGGREGATE -> aggregate(request, all, definition);
      default -> throw new IllegalArgumentException(match.route().name());
    };
  }

  private int list(Request request) throws IOException {
    var visible = projections.visible(request);
    return Responses.json(
        request.exchange,
        200,
        json -> {
          json.writeArrayFieldStart("projections");
          for (ProjectionDefinition definition : visible) {
            json.writeStartObject();
            writeDefinition(json, definition);
            json.writeEndObject();
          }
          json.writeEndArray();
        });
  }

  /**
   * Creates (201) or replaces (200) the definition; the body is a definition whose {@code
   * projectionName} may be left out (the path names it).
   */
  private int put(Request request, String name) throws IOException {
    ProjectionDefinition definition =
        DefinitionJson.parse(request.jsonBody(config.maxRequestBytes()), name);
    Projections all = projections.of(request, definition);
    Optional<ProjectionDefinition> before = all.definition(name);
    if (before.isPresent()) {
      request.store().projections(before.get().feedName());
    }
    all.createOrUpdate(definition);
    return Responses.json(
        request.exchange,
        before.isPresent() ? 200 : 201,
        json -> writeDefinition(json, definition));
  }

  private int status(Request request, Projections all, String name) throws IOException {
    ProjectionStatus status = all.status(name).orElseThrow(() -> notFound(name));
    return Responses.json(request.exchange, 200, json -> writeStatus(json, status));
  }

  private int documents(Request request, Projections all, String name)
      throws IOException, InterruptedException {
    var query = ProjectionAccess.query(request);
    awaitPosition(request, all, name, deadline(request));
    ProjectionPage page = all.list(name, query);
    return Responses.json(
        request.exchange,
        200,
        json -> {
          json.writeArrayFieldStart("documents");
          for (ProjectionDocument document : page.documents()) {
            json.writeStartObject();
            writeDocument(json, document);
            json.writeEndObject();
          }
          json.writeEndArray();
          json.writeBooleanField("hasMore", page.hasMore());
          json.writeNumberField("total", page.total());
        });
  }

  private int document(Request request, Projections all, ProjectionDefinition definition)
      throws IOException, InterruptedException {
    String id = request.segments.get(3);
    long deadline = deadline(request);
    awaitPosition(request, all, definition.name(), deadline);
    Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    Optional<ProjectionDocument> found =
        left.isZero()
            ? all.document(definition.name(), id)
            : all.awaitDocument(definition.name(), id, left);
    ProjectionDocument document =
        found.orElseThrow(
            () ->
                new HttpProblem(
                    ProblemCode.PROJECTION_NOT_FOUND,
                    "projection '" + definition.name() + "' has no document '" + id + "'"));
    return Responses.json(request.exchange, 200, json -> writeDocument(json, document));
  }

  private int count(Request request, Projections all, String name)
      throws IOException, InterruptedException {
    String reference = request.param("reference");
    awaitPosition(request, all, name, deadline(request));
    long count = all.count(name, reference);
    return Responses.json(request.exchange, 200, json -> json.writeNumberField("count", count));
  }

  private int aggregate(Request request, Projections all, ProjectionDefinition definition)
      throws IOException, InterruptedException {
    if (!definition.aggregated()) {
      throw HttpProblem.badRequest(
          "projection '"
              + definition.name()
              + "' is a single projection: read its documents, not an aggregate");
    }
    awaitPosition(request, all, definition.name(), deadline(request));
    ProjectionDocument document =
        all.document(definition.name(), definition.name())
            .orElseThrow(
                () ->
                    new HttpProblem(
                        ProblemCode.PROJECTION_NOT_FOUND,
                        "aggregated projection '" + definition.name() + "' has no state yet"));
    return Responses.json(request.exchange, 200, json -> writeDocument(json, document));
  }

  /** When the request's {@code wait} (seconds, bounded by the long-poll cap) runs out. */
  private long deadline(Request request) {
    long wait = request.longParam("wait", 0, 0, config.maxLongPoll().toSeconds());
    return System.nanoTime() + Duration.ofSeconds(wait).toNanos();
  }

  /** With {@code position}: waits until it is processed or the deadline, and says which. */
  private static void awaitPosition(Request request, Projections all, String name, long deadline) {
    if (request.param("position") == null) {
      return;
    }
    long position = request.longParam("position", 0, 0, Long.MAX_VALUE - 1);
    Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    boolean processed = all.awaitProcessed(name, position, left);
    request.exchange.getResponseHeaders().set(PROCESSED, String.valueOf(processed));
  }

  private static HttpProblem notFound(String name) {
    return new HttpProblem(
        ProblemCode.PROJECTION_NOT_FOUND, "no projection definition '" + name + "'");
  }

  /** A definition: its members in the shape shared with the Serialized face. */
  private static void writeDefinition(JsonGenerator json, ProjectionDefinition definition)
      throws IOException {
    var fields = DefinitionJson.write(definition).properties();
    for (var field : fields) {
      json.writeFieldName(field.getKey());
      WireJson.mapper().writeTree(json, field.getValue());
    }
  }

  private static void writeStatus(JsonGenerator json, ProjectionStatus status) throws IOException {
    json.writeStringField("name", status.name());
    json.writeNumberField("generation", status.generation());
    json.writeNumberField("checkpoint", status.checkpoint());
    json.writeNumberField("lag", status.lag());
    json.writeStringField("state", status.state().name().toLowerCase(Locale.ROOT));
    json.writeNumberField("applied", status.applied());
    json.writeNumberField("parked", status.parked());
    if (status.lastError() != null) {
      json.writeStringField("lastError", status.lastError());
    }
  }

  private static void writeDocument(JsonGenerator json, ProjectionDocument document)
      throws IOException {
    json.writeStringField("id", document.id());
    json.writeNumberField("createdAt", document.createdAt());
    json.writeNumberField("updatedAt", document.updatedAt());
    if (document.reference() != null) {
      json.writeStringField("reference", document.reference());
    }
    json.writeFieldName("data");
    WireJson.mapper().writeTree(json, document.data());
  }
}
