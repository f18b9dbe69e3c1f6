package dev.factum.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.factum.engine.FactumStore;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The v1 HTTP API's routing: resolves each exchange to a {@link Route}, hands it to the one {@link
 * Resource} that answers it, and renders any failure as a problem document.
 *
 * <p>What must stay true: every route has exactly one resource (checked at construction); every
 * exchange is counted in flight by the {@link Lifecycle} until it is closed; every response is
 * complete before the exchange closes. To add a resource, add its routes to {@link Route} and its
 * class to the list below.
 */
final class ApiHandler implements HttpHandler {
  private final Map<Route, Resource> resources = new EnumMap<>(Route.class);
  private final Lifecycle lifecycle = new Lifecycle();
  private final Metrics metrics;

  ApiHandler(FactumStore store, ServerConfig config, Metrics metrics) {
    this.metrics = metrics;
    WireFormat wire = new WireFormat(store.options().limits());
    List<Resource> all =
        List.of(
            new StreamResource(store, config, wire, metrics),
            new StreamStateResource(store),
            new LogResource(store, config, metrics, lifecycle),
            new AppendAllResource(store, config, wire, metrics),
            new SubscriptionResource(store, config, metrics, lifecycle),
            new ServiceResource(store, metrics, lifecycle),
            new DcbResource(store, config, metrics));
    for (Resource resource : all) {
      for (Route route : resource.routes()) {
        if (resources.put(route, resource) != null) {
          throw new IllegalStateException(route + " has two resources");
        }
      }
    }
    for (Route route : Route.values()) {
      if (!resources.containsKey(route)) {
        throw new IllegalStateException(route + " has no resource");
      }
    }
  }

  Lifecycle lifecycle() {
    return lifecycle;
  }

  @Override
  public void handle(HttpExchange exchange) {
    lifecycle.enter();
    Route.Match match = null;
    int status = 500;
    try {
      Request request = new Request(exchange);
      match = Route.resolve(request.method, request.segments);
      request.onlyParams(match.route());
      status = resources.get(match.route()).handle(request, match);
    } catch (Throwable failure) {
      status = Responses.problem(exchange, failure);
    } finally {
      if (match != null) {
        metrics.request(match.route(), status);
      }
      exchange.close();
      lifecycle.exit();
    }
  }
}
