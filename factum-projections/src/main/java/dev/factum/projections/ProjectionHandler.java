package dev.factum.projections;

import java.util.List;

/**
 * What a projection does with the events of one type: its functions, in order, and optionally the
 * event data field that names the projection to change ({@code idField}, overriding the
 * definition's).
 */
public record ProjectionHandler(
    String eventType, String idField, List<ProjectionFunction> functions) {
  public ProjectionHandler {
    functions = List.copyOf(functions);
  }
}
