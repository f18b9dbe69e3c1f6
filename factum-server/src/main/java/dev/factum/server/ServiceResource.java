package dev.factum.server;

import dev.factum.api.FactumException;
import dev.factum.engine.FactumStore;
import dev.factum.wire.ServiceRootJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The service's own resources: {@code /} (what this is), liveness and readiness, the Prometheus
 * metrics and the OpenAPI document (loaded once from the jar; a jar without it fails at start).
 */
final class ServiceResource implements Resource {
  private final FactumStore store;
  private final Metrics metrics;
  private final Lifecycle lifecycle;
  private final byte[] openApi;

  ServiceResource(FactumStore store, Metrics metrics, Lifecycle lifecycle) {
    this.store = store;
    this.metrics = metrics;
    this.lifecycle = lifecycle;
    this.openApi = loadOpenApi();
  }

  private static byte[] loadOpenApi() {
    try (InputStream in = ServiceResource.class.getResourceAsStream("openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the server jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Set<Route> routes() {
    return Set.of(Route.LIVE, Route.READY, Route.METRICS, Route.OPENAPI, Route.ROOT);
  }

  @Override
  public int handle(Request request, Route.Match match) throws IOException {
    return switch (match.route()) {
      case LIVE ->
          Responses.json(request.exchange, 200, json -> json.writeStringField("status", "up"));
      case READY -> ready(request);
      case METRICS ->
          Responses.raw(
              request.exchange,
              200,
              "text/plain; version=0.0.4; charset=utf-8",
              metrics.render().getBytes(StandardCharsets.UTF_8));
      case OPENAPI -> Responses.raw(request.exchange, 200, "application/json", openApi);
      case ROOT ->
          ConsoleResource.redirectsToConsole(Route.ROOT, request)
              ? ConsoleResource.redirect(request)
              : Responses.json(
                  request.exchange,
                  200,
                  json -> ServiceRootJson.write(json, request.store().headPosition()));
      default -> throw new IllegalArgumentException(match.route().name());
    };
  }

  private int ready(Request request) throws IOException {
    if (store.isStopped() || lifecycle.shuttingDown()) {
      return Responses.json(request.exchange, 503, json -> json.writeStringField("status", "down"));
    }
    try {
      store.headPosition(); // for a shared storage (PostgreSQL) this asks the database
    } catch (FactumException unavailable) {
      return Responses.json(
          request.exchange,
          503,
          json -> {
            json.writeStringField("status", "down");
            json.writeStringField("reason", unavailable.getMessage());
          });
    }
    return Responses.json(request.exchange, 200, json -> json.writeStringField("status", "ready"));
  }
}
