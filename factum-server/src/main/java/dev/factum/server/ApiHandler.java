package dev.factum.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.factum.api.ErrorCode;
import dev.factum.api.FactumException;
import dev.factum.api.ForbiddenException;
import dev.factum.engine.FactumStore;
import java.time.Clock;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The v1 HTTP API's routing: resolves each exchange to a {@link Route}, hands it to the one {@link
 * Resource} that answers it, and renders any failure as a problem document.
 *
 * <p>What must stay true: every route has exactly one resource (checked at construction); every
 * exchange is counted in flight by the {@link Lifecycle} until it is closed; every response is
 * complete before the exchange closes; no resource runs before its route's {@link Permission} is
 * checked, and each gets the store only as an {@link AuthorizedStore} bound to the caller and to
 * the caller's tenant's store ({@link TenantStores#storeOf}): a resource never chooses a store. To
 * add a resource, add its routes to {@link Route} and its class to the list below.
 */
final class ApiHandler implements HttpHandler {
  private static final Set<ErrorCode> AUTH_CODES =
      EnumSet.of(ErrorCode.UNAUTHORIZED, ErrorCode.FORBIDDEN, ErrorCode.RATE_LIMITED);
  private static final long DRAINED_BYTES = 64 * 1024;
  private final Map<Route, Resource> resources = new EnumMap<>(Route.class);
  private final Lifecycle lifecycle = new Lifecycle();
  private final Metrics metrics;
  private final KeyRegistry keys;
  private final TenantStores tenants;
  private final boolean authEnabled;
  private final RateLimiter rateLimiter = new RateLimiter(System::nanoTime);
  private final ServerProjections projections;
  private final ServerReactions reactions;
  private final ScavengeScheduler scavenging;

  /** Without tenants (tests that drive the handler directly). */
  ApiHandler(FactumStore store, ServerConfig config, Metrics metrics, KeyRegistry keys) {
    this(
        store,
        config,
        metrics,
        keys,
        new TenantStores(store, null, TenantRegistry.none(), keys, Clock.systemUTC()),
        new ServerForwarders(store));
  }

  ApiHandler(
      FactumStore store,
      ServerConfig config,
      Metrics metrics,
      KeyRegistry keys,
      TenantStores tenants,
      ServerForwarders forwarders) {
    this.metrics = metrics;
    this.keys = keys;
    this.tenants = tenants;
    this.authEnabled = config.authEnabled();
    keys.onRevoked(lifecycle::endSessionsOf);
    this.reactions = new ServerReactions(store, SerializedReactions::start);
    reactions.follow(tenants);
    metrics.reactions(reactions);
    WireFormat wire = new WireFormat();
    this.projections = new ServerProjections(store);
    metrics.projections(projections);
    this.scavenging =
        ScavengeScheduler.start(
            config.scavenging(), store, tenants::openTenantStores, Clock.systemUTC());
    metrics.scavengeSchedule(scavenging);
    ProjectionAccess access = new ProjectionAccess(projections);
    List<Resource> all =
        List.of(
            new StreamResource(config, wire, metrics),
            new StreamStateResource(),
            new StreamListResource(),
            new SnapshotResource(config),
            new StreamMetadataResource(config),
            new LogResource(config, metrics, lifecycle),
            new AppendAllResource(config, wire, metrics),
            new SubscriptionResource(config, metrics, lifecycle),
            new AdminResource(keys, tenants.registry(), config),
            new BackupResource(config, tenants.registry()),
            new SubjectResource(),
            new ChainResource(),
            new ScavengeResource(config, scavenging),
            new TenantResource(tenants, keys, config),
            new ForwarderResource(
                WebhookForwarders.ROUTES,
                (of, creating) -> new WebhookForwarders(forwarders.of(of, creating).webhooks()),
                config),
            new ForwarderResource(
                SinkForwarders.ROUTES,
                (of, creating) -> {
                  ServerForwarders.Forwarding forwarding = forwarders.of(of, creating);
                  return new SinkForwarders(forwarding.sinks(), forwarding.location());
                },
                config),
            new DcbResource(config, metrics),
            new GroupResource(config, wire, metrics),
            new ServiceResource(store, metrics, lifecycle),
            new SerializedAggregateResource(config),
            new SerializedFeedResource(lifecycle),
            new SerializedProjectionResource(config, access),
            new NativeProjectionResource(config, access),
            new SerializedTenantResource(tenants, store, config),
            new SerializedReactionResource(reactions, config),
            new ConsoleResource());
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

  ServerProjections projections() {
    return projections;
  }

  /** Stops what the handler runs beside the exchanges (the scavenging schedule, the reactors). */
  void close() {
    scavenging.close();
    reactions.close();
  }

  /**
   * The principal a request acts for, once its route is known and before anything else of it is
   * looked at: public routes need no key; in open mode every caller is {@link Principal#OPEN};
   * otherwise the key must authenticate, its role allow the route, and its rate have room.
   */
  private Principal authorize(Route route, Request request) {
    if (route.permission == Permission.PUBLIC
        || ConsoleResource.redirectsToConsole(route, request)) {
      return Principal.OPEN; // a browser's GET / is only sent to /console, never answered data
    }
    if (!authEnabled) {
      return route.serialized()
          ? SerializedTenants.actingAs(Principal.OPEN, request, tenants.registry())
          : Principal.OPEN;
    }
    Principal principal =
        keys.authenticate(
            route.serialized()
                ? SerializedKeys.authorization(request)
                : request.header("Authorization"));
    if (!principal.role().allows(route.permission)) {
      throw new ForbiddenException("this API key may not use this resource");
    }
    rateLimiter.acquire(principal);
    return route.serialized()
        ? SerializedTenants.actingAs(principal, request, tenants.registry())
        : principal;
  }

  /**
   * A refused request's body is not read. The JDK server drains up to 64 KiB of it when the
   * exchange closes, so the connection stays usable; a larger (or chunked) body makes it close the
   * connection instead, which the response then says, so a keep-alive client is not confused.
   */
  private static void closeIfBodyTooLargeToDrain(HttpExchange exchange) {
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    boolean large;
    try {
      large =
          length == null
              ? exchange.getRequestHeaders().containsKey("Transfer-Encoding")
              : Long.parseLong(length.trim()) > DRAINED_BYTES;
    } catch (NumberFormatException e) {
      large = true;
    }
    if (large) {
      exchange.getResponseHeaders().set("Connection", "close");
    }
  }

  @Override
  public void handle(HttpExchange exchange) {
    lifecycle.enter();
    Route.Match match = null;
    int status = 500;
    try {
      Request request = new Request(exchange);
      match = Route.resolve(request.method, request.segments);
      Principal principal = authorize(match.route(), request);
      request.authorize(
          new AuthorizedStore(
              tenants.storeOf(principal), principal, () -> keys.isValid(principal.keyId())));
      request.onlyParams(match.route());
      status = resources.get(match.route()).handle(request, match);
    } catch (Throwable failure) {
      if (failure instanceof FactumException refused && AUTH_CODES.contains(refused.code())) {
        metrics.authFailure(refused.code().id());
        closeIfBodyTooLargeToDrain(exchange);
      }
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
