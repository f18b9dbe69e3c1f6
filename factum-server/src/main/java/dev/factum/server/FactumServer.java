package dev.factum.server;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import dev.factum.engine.FactumStore;
import dev.factum.engine.TenantStorage;
import dev.factum.server.http.FactumHttpServer;
import dev.factum.server.http.Limits;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The Factum HTTP server: the v1 API behind the {@code com.sun.net.httpserver} API, carried by
 * Factum's own HTTP/1.1 server ({@link FactumHttpServer}: a virtual thread per connection, the
 * handler on it) or, with {@link HttpTransport#JDK}, by the JDK's (a virtual thread per exchange).
 *
 * <p>Design note: the handlers are written against the JDK's HTTP server API rather than a
 * framework because the API is small (a dozen routes, JSON and SSE), it adds no dependency, and
 * virtual threads make the blocking style (a handler waits for its durable append; an SSE handler
 * writes as events arrive) both simple and cheap. Routing, parsing and rendering live in their own
 * classes; the transport under them is chosen per server ({@link ServerConfig#transport}), and the
 * default is Factum's own because the JDK server's per-exchange machinery was most of the server's
 * cost per request.
 *
 * <p>With a {@link TlsConfig} it serves HTTPS (the handshake on the connection's virtual thread),
 * with the same handlers: keep-alive and SSE work alike over both.
 *
 * <p>Every request but the probes, metrics and the API document is authenticated and authorized
 * before its resource runs when auth is on ({@link AuthSettings}); keys live in the store's {@code
 * $keys} stream ({@link KeyRegistry}). A key may belong to a tenant, whose requests act on the
 * tenant's own store ({@link TenantStores}: one per tenant, from the {@link TenantStorage} the
 * caller gives); tenants are recorded in the root store's {@code $tenants} ({@link
 * TenantRegistry}). See docs/SECURITY.md.
 *
 * <p>Shutdown is graceful: SSE connections and long polls are ended first, then the listener closes
 * and requests under way (appends waiting for their fsync) get up to the grace period to finish.
 * The root store is the caller's: close it after the server. The tenants' stores are the server's,
 * closed with it.
 */
public final class FactumServer implements AutoCloseable {
  static {
    // Without TCP_NODELAY, Nagle's algorithm holds a response's last small segment back until the
    // client acknowledges the previous one (up to ~40 ms with delayed ACKs). The JDK server reads
    // this once, when its first instance is created.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HttpServer http;
  private final ExecutorService executor;
  private final ApiHandler handler;
  private final Metrics metrics;
  private final ServerConfig config;
  private final KeyRegistry keys;
  private final TenantRegistry tenantRegistry;
  private final TenantStores tenants;
  private final ServerForwarders forwarders;

  private FactumServer(
      HttpServer http,
      ExecutorService executor,
      ApiHandler handler,
      Metrics metrics,
      ServerConfig config,
      KeyRegistry keys,
      TenantRegistry tenantRegistry,
      TenantStores tenants,
      ServerForwarders forwarders) {
    this.forwarders = forwarders;
    this.keys = keys;
    this.tenantRegistry = tenantRegistry;
    this.tenants = tenants;
    this.http = http;
    this.executor = executor;
    this.handler = handler;
    this.metrics = metrics;
    this.config = config;
  }

  /**
   * Starts serving {@code store} as configured, without tenants ({@code tenants-not-configured}).
   */
  public static FactumServer start(FactumStore store, ServerConfig config) throws IOException {
    return bind(config).serve(store);
  }

  /**
   * Starts serving {@code store} as configured, with the tenants' stores in {@code tenants} (of the
   * same storage: {@code RocksDbEventStore.tenants(dir)}, {@code PostgresEventStore.tenants(pg)}).
   */
  public static FactumServer start(FactumStore store, ServerConfig config, TenantStorage tenants)
      throws IOException {
    return bind(config).serve(store, tenants);
  }

  /**
   * Binds the listening socket without serving yet, so that a caller learns that the address is
   * taken ({@link java.net.BindException}) before it opens (and perhaps creates) a store.
   */
  public static Binding bind(ServerConfig config) throws IOException {
    InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
    if (config.transport() == HttpTransport.FACTUM) {
      FactumHttpServer own = FactumHttpServer.create(address, 1024, Limits.DEFAULT);
      if (config.tls() != null) {
        own.setHttpsConfigurator(config.tls().configurator());
      }
      return new Binding(own, config);
    }
    if (config.tls() == null) {
      return new Binding(HttpServer.create(address, 1024), config);
    }
    HttpsServer https = HttpsServer.create(address, 1024);
    https.setHttpsConfigurator(config.tls().configurator());
    return new Binding(https, config);
  }

  /** A bound, not yet serving listener: {@link #serve} it, or {@link #close} it. */
  public static final class Binding implements AutoCloseable {
    private final HttpServer http;
    private final ServerConfig config;
    private boolean served;

    private Binding(HttpServer http, ServerConfig config) {
      this.http = http;
      this.config = config;
    }

    /** Starts serving {@code store} on this listener, without tenants; a binding serves once. */
    public FactumServer serve(FactumStore store) {
      return serve(store, null);
    }

    /**
     * Starts serving {@code store} on this listener, with tenants' stores in {@code tenants} (null
     * for none); a binding serves once.
     */
    public FactumServer serve(FactumStore store, TenantStorage tenants) {
      if (served) {
        throw new IllegalStateException("this listener already serves");
      }
      served = true;
      Clock clock = Clock.systemUTC();
      TenantRegistry tenantRegistry;
      KeyRegistry keys;
      try {
        tenantRegistry = tenants == null ? TenantRegistry.none() : TenantRegistry.open(store);
      } catch (RuntimeException e) {
        http.stop(0);
        throw e;
      }
      try {
        keys = KeyRegistry.open(store, clock, tenantRegistry::isLive);
      } catch (RuntimeException e) {
        tenantRegistry.close();
        http.stop(0);
        throw e;
      }
      try {
        InitialAdminKey.ensure(keys, config);
      } catch (RuntimeException e) {
        keys.close();
        tenantRegistry.close();
        http.stop(0);
        throw e;
      }
      TenantStores stores = new TenantStores(store, tenants, tenantRegistry, keys, clock);
      Metrics metrics = new Metrics(store);
      metrics.tenants(stores);
      if (http instanceof FactumHttpServer own) {
        metrics.httpConnections(own::openConnections);
      }
      if (config.tls() != null) {
        metrics.tlsCertificate(config.tls());
      }
      ServerForwarders forwarders = new ServerForwarders(store);
      metrics.forwarders(forwarders);
      forwarders.follow(stores); // before the reactors open any tenant's store
      ApiHandler handler = new ApiHandler(store, config, metrics, keys, stores, forwarders);
      ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
      http.setExecutor(executor);
      http.createContext("/", handler);
      http.start();
      return new FactumServer(
          http, executor, handler, metrics, config, keys, tenantRegistry, stores, forwarders);
    }

    /** Releases the port if {@link #serve} was never called. */
    @Override
    public void close() {
      if (!served) {
        http.stop(0);
      }
    }
  }

  /** Whether this server requires API keys. */
  public boolean authEnabled() {
    return config.authEnabled();
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return http.getAddress().getPort();
  }

  /** The base URI, e.g. {@code http://127.0.0.1:7117} ({@code https://} with TLS). */
  public URI uri() {
    return URI.create(
        (config.tlsEnabled() ? "https://" : "http://") + config.host() + ":" + port());
  }

  /**
   * Ends feeds and long polls, waits (up to the grace period) for the requests under way, then
   * stops. The server counts its own exchanges rather than relying on {@code HttpServer.stop(n)},
   * which can wait out the whole delay for a keep-alive connection that closed idle.
   */
  @Override
  public void close() {
    handler.lifecycle().shutdown();
    handler.lifecycle().awaitIdle(config.shutdownGrace());
    http.stop(0);
    executor.shutdownNow();
    handler.projections().close();
    forwarders.close();
    handler.close();
    keys.close();
    tenantRegistry.close();
    tenants.close();
    metrics.close();
  }
}
