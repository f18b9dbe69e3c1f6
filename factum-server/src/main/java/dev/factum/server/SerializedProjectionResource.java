package dev.factum.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.projections.DefinitionJson;
import dev.factum.projections.ProjectionDefinition;
import dev.factum.projections.ProjectionDocument;
import dev.factum.projections.ProjectionPage;
import dev.factum.projections.Projections;
import dev.factum.wire.ProblemCode;
import dev.factum.wire.WireJson;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Serialized's projections under {@code /serialized/projections}: definitions (create, replace,
 * get, list, delete), single projections (get by id with {@code awaitCreation}, list, {@code
 * _count}, delete-and-rebuild) and aggregated ones. The work is {@link Projections}' (module
 * factum-projections); this class maps HTTP onto it.
 *
 * <p>What must stay true: every request acts on the caller's store through {@link ProjectionAccess}
 * (shared with the native face, {@link NativeProjectionResource}), reads need a key that could read
 * the projection's whole feed and changes the writer role too; a bad definition or parameter is a
 * 400 and writes nothing (the definition is parsed and checked before anything is stored).
 */
final class SerializedProjectionResource implements Resource {
  private static final long MAX_AWAIT_MS = 60_000;

  private final ServerConfig config;
  private final ProjectionAccess projections;

  SerializedProjectionResource(ServerConfig config, ProjectionAccess projections) {
    this.config = config;
    this.projections = projections;
  }

  @Override
  public Set<Route> routes() {
    return Set.of(
        Route.SERIALIZED_PROJECTION_DEFINITIONS,
        Route.SERIALIZED_CREATE_PROJECTION_DEFINITION,
        Route.SERIALIZED_PROJECTION_DEFINITION,
        Route.SERIALIZED_PUT_PROJECTION_DEFINITION,
        Route.SERIALIZED_DELETE_PROJECTION_DEFINITION,
        Route.SERIALIZED_SINGLE_PROJECTIONS,
        Route.SERIALIZED_RESET_SINGLE_PROJECTIONS,
        Route.SERIALIZED_SINGLE_PROJECTION,
        Route.SERIALIZED_SINGLE_PROJECTION_COUNT,
        Route.SERIALIZED_AGGREGATED_PROJECTION,
        Route.SERIALIZED_RESET_AGGREGATED_PROJECTION,
        Route.SERIALIZED_AGGREGATED_PROJECTION_COUNT);
  }

  @Override
  public int handle(Request request, Route.Match match) throws IOException, InterruptedException {
    return switch (match.route()) {
      case SERIALIZED_PROJECTION_DEFINITIONS -> listDefinitions(request);
      case SERIALIZED_CREATE_PROJECTION_DEFINITION -> create(request);
      case SERIALIZED_PROJECTION_DEFINITION -> getDefinition(request);
      case SERIALIZED_PUT_PROJECTION_DEFINITION -> put(request);
      case SERIALIZED_DELETE_PROJECTION_DEFINITION -> deleteDefinition(request);
      case SERIALIZED_SINGLE_PROJECTIONS -> list(request);
      case SERIALIZED_RESET_SINGLE_PROJECTIONS, SERIALIZED_RESET_AGGREGATED_PROJECTION ->
          reset(request);
      case SERIALIZED_SINGLE_PROJECTION -> single(request);
      case SERIALIZED_SINGLE_PROJECTION_COUNT, SERIALIZED_AGGREGATED_PROJECTION_COUNT ->
          count(request);
      case SERIALIZED_AGGREGATED_PROJECTION -> aggregated(request);
      default -> throw new IllegalArgumentException(match.route().name());
    };
  }

  private static String name(Request request) {
    return request.segments.get(3);
  }

  private Projections projections(Request request, ProjectionDefinition definition) {
    return projections.of(request, definition);
  }

  /** The definition of the path's name, if it exists and the key may see it. */
  private ProjectionDefinition existing(Request request, boolean aggregated) {
    ProjectionDefinition definition =
        projections
            .all(request)
            .definition(name(request))
            .filter(found -> found.aggregated() == aggregated)
            .orElseThrow(
                () ->
                    new HttpProblem(
                        ProblemCode.PROJECTION_NOT_FOUND,
                        "no "
                            + (aggregated ? "aggregated" : "single")
                            + " projection '"
                            + name(request)
                            + "'"));
    request.store().projections(definition.feedName());
    return definition;
  }

  private ProjectionDefinition body(Request request) throws IOException {
    return DefinitionJson.parse(request.jsonBody(config.maxRequestBytes()));
  }

  private int create(Request request) throws IOException {
    ProjectionDefinition definition = body(request);
    projections(request, definition).create(definition);
    return Responses.raw(request.exchange, 200, "application/json", new byte[0]);
  }

  private int put(Request request) throws IOException {
    ProjectionDefinition definition = body(request);
    if (!definition.name().equals(name(request))) {
      throw HttpProblem.badRequest(
          "the body's projectionName '"
              + definition.name()
              + "' is not the path's '"
              + name(request)
              + "'");
    }
    Projections all = projections(request, definition);
    Optional<ProjectionDefinition> before = all.definition(definition.name());
    if (before.isPresent()) {
      request.store().projections(before.get().feedName());
    }
    all.createOrUpdate(definition);
    return Responses.raw(request.exchange, 200, "application/json", new byte[0]);
  }

  private int getDefinition(Request request) throws IOException {
    ProjectionDefinition definition = projections.existing(request, name(request));
    return Responses.raw(
        request.exchange, 200, "application/json", json(DefinitionJson.write(definition)));
  }

  private int listDefinitions(Request request) throws IOException {
    List<ProjectionDefinition> visible = projections.visible(request);
    return Responses.json(
        request.exchange,
        200,
        json -> {
          json.writeArrayFieldStart("definitions");
          for (ProjectionDefinition definition : visible) {
            WireJson.mapper().writeTree(json, DefinitionJson.write(definition));
          }
          json.writeEndArray();
        });
  }

  private int deleteDefinition(Request request) throws IOException {
    ProjectionDefinition definition = projections.existing(request, name(request));
    projections.of(request, definition).delete(definition.name());
    return Responses.raw(request.exchange, 200, "application/json", new byte[0]);
  }

  private int reset(Request request) throws IOException {
    boolean aggregated = request.segments.get(2).equals("aggregated");
    ProjectionDefinition definition = existing(request, aggregated);
    projections(request, definition).reset(definition.name());
    return Responses.raw(request.exchange, 200, "application/json", new byte[0]);
  }

  private int single(Request request) throws IOException, InterruptedException {
    ProjectionDefinition definition = existing(request, false);
    String id = request.segments.get(4);
    long awaitMs = request.longParam("awaitCreation", 0, 0, MAX_AWAIT_MS);
    Projections all = projections(request, definition);
    Optional<ProjectionDocument> document =
        awaitMs == 0
            ? all.document(definition.name(), id)
            : all.awaitDocument(definition.name(), id, Duration.ofMillis(awaitMs));
    ProjectionDocument found =
        document.orElseThrow(
            () -> new HttpProblem(ProblemCode.PROJECTION_NOT_FOUND, "no projection '" + id + "'"));
    return Responses.json(request.exchange, 200, json -> writeDocument(json, found));
  }

  private int aggregated(Request request) throws IOException {
    ProjectionDefinition definition = existing(request, true);
    ProjectionDocument found =
        projections(request, definition)
            .document(definition.name(), definition.name())
            .orElseThrow(
                () ->
                    new HttpProblem(
                        ProblemCode.PROJECTION_NOT_FOUND,
                        "aggregated projection '" + definition.name() + "' has no state yet"));
    return Responses.json(request.exchange, 200, json -> writeDocument(json, found));
  }

  private int list(Request request) throws IOException {
    ProjectionDefinition definition = existing(request, false);
    ProjectionPage page =
        projections(request, definition).list(definition.name(), ProjectionAccess.query(request));
    return Responses.json(
        request.exchange,
        200,
        json -> {
          json.writeArrayFieldStart("projections");
          for (ProjectionDocument document : page.documents()) {
            json.writeStartObject();
            writeDocument(json, document);
            json.writeEndObject();
          }
          json.writeEndArray();
          json.writeBooleanField("hasMore", page.hasMore());
          json.writeNumberField("totalCount", page.total());
        });
  }

  private int count(Request request) throws IOException {
    boolean aggregated = request.segments.get(2).equals("aggregated");
    ProjectionDefinition definition = existing(request, aggregated);
    long total =
        projections(request, definition).count(definition.name(), request.param("reference"));
    return Responses.json(request.exchange, 200, json -> json.writeNumberField("count", total));
  }

  /** The fields of the client's {@code ProjectionResponse}. */
  private static void writeDocument(JsonGenerator json, ProjectionDocument document)
      throws IOException {
    json.writeStringField("projectionId", document.id());
    json.writeNumberField("createdAt", document.createdAt());
    json.writeNumberField("updatedAt", document.updatedAt());
    if (document.reference() != null) {
      json.writeStringField("reference", document.reference());
    }
    json.writeFieldName("data");
    WireJson.mapper().writeTree(json, document.data());
  }

  private static byte[] json(JsonNode node) throws IOException {
    return WireJson.mapper().writeValueAsBytes(node);
  }
}
