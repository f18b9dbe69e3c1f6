package dev.factum.server;

import dev.factum.projections.ProjectionDefinition;
import dev.factum.projections.ProjectionQuery;
import dev.factum.projections.Projections;
import dev.factum.wire.ProblemCode;
import java.util.List;

/**
 * The one way both faces of the declarative projections (native {@code /projections}, {@link
 * NativeProjectionResource}; Serialized's {@code /serialized/projections}, {@link
 * SerializedProjectionResource}) reach a caller's projections: the projections of the caller's own
 * store (each tenant store has its own), and only those whose feed the caller's key could read.
 *
 * <p>What must stay true: a definition the key may not see is refused ({@code forbidden}) before
 * anything of it is read or changed, and a list shows only those the key may see; both faces share
 * one store of definitions, so a definition made through one is served by the other.
 */
final class ProjectionAccess {
  static final int DEFAULT_LIMIT = 100;

  private final ServerProjections projections;

  ProjectionAccess(ServerProjections projections) {
    this.projections = projections;
  }

  /** The caller's store's projections, for a lookup by name (the feed not known yet). */
  Projections all(Request request) {
    return projections.of(request.store().projections(null));
  }

  /** The caller's store's projections, once the key may act on {@code definition}'s feed. */
  Projections of(Request request, ProjectionDefinition definition) {
    return projections.of(request.store().projections(definition.feedName()));
  }

  /** The definition named {@code name}, if it exists and the key may see its feed; else 404/403. */
  ProjectionDefinition existing(Request request, String name) {
    ProjectionDefinition definition =
        all(request)
            .definition(name)
            .orElseThrow(
                () ->
                    new HttpProblem(
                        ProblemCode.PROJECTION_NOT_FOUND,
                        "no projection definition '" + name + "'"));
    request.store().projections(definition.feedName());
    return definition;
  }

  /**
   * The list query of the request's {@code skip}, {@code limit} (default {@value #DEFAULT_LIMIT}),
   * {@code sort}, {@code reference}, {@code from}, {@code to}, {@code search} and {@code id}s.
   */
  static ProjectionQuery query(Request request) {
    return new ProjectionQuery(
        (int) request.longParam("skip", 0, 0, Integer.MAX_VALUE),
        (int) request.longParam("limit", DEFAULT_LIMIT, 1, ProjectionQuery.MAX_LIMIT),
        request.param("sort"),
        request.param("reference"),
        request.param("from"),
        request.param("to"),
        request.param("search"),
        request.params("id"));
  }

  /** Every definition of the caller's store whose feed the key may read, by name. */
  List<ProjectionDefinition> visible(Request request) {
    AuthorizedStore store = request.store();
    return all(request).definitions().stream()
        .filter(definition -> store.mayReadFeed(definition.feedName()))
        .toList();
  }
}
