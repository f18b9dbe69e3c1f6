package dev.factum.server;

import java.util.Set;

/**
 * The handling of one resource of the v1 API: the routes it answers and what it does for each.
 *
 * <p>A resource parses its request, calls the store and renders through {@link Responses}; it
 * neither routes nor counts exchanges. Failures are thrown, and {@link ApiHandler} renders them as
 * problems. Adding a resource means one class implementing this and one line in {@link
 * ApiHandler}'s list.
 */
interface Resource {
  /** The routes this resource answers; every route has exactly one resource. */
  Set<Route> routes();

  /** Answers one request to one of {@link #routes()}, returning the status sent. */
  int handle(Request request, Route.Match match) throws Exception;
}
