package dev.factum.bench.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.factum.bench.load.Fmt;
import dev.factum.bench.load.Progress;
import dev.factum.engine.FactumStore;
import dev.factum.server.AuthSettings;
import dev.factum.server.FactumServer;
import dev.factum.server.HttpTransport;
import dev.factum.server.KeyAdmin;
import dev.factum.server.ServerConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link FactumServer} on 127.0.0.1 (a free port) serving a store in this JVM, over HTTP or (with
 * {@code --tls}) HTTPS, and the client side of the HTTP workloads: the connections the load threads
 * opened to it.
 *
 * <p>Design note: closing stops the server <em>before</em> the client closes its connections, so
 * the server stops with idle keep-alive connections and no request under way. The other order is a
 * race: with {@code HttpServer.stop(grace)} (how {@code FactumServer} stopped as of commit
 * c86b69b), a connection the client had just closed could still count as a request being read when
 * the stop began, and the stop then waited out the whole grace period (10 s). A stop that takes
 * longer than a second is reported in the progress lines.
 */
public final class HttpRig implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final FactumServer server;
  private final HttpClientKind.Connector connector;
  private final Progress progress;
  private final List<HttpConnection> connections = new ArrayList<>();

  private HttpRig(FactumServer server, HttpClientKind.Connector connector, Progress progress) {
    this.server = server;
    this.connector = connector;
    this.progress = progress;
  }

  public static HttpRig start(FactumStore store, HttpClientKind client, Progress progress)
      throws IOException {
    return start(store, client, false, progress);
  }

  /** As above; with {@code tls}, HTTPS with a throw-away certificate the client trusts. */
  public static HttpRig start(
      FactumStore store, HttpClientKind client, boolean tls, Progress progress) throws IOException {
    return start(store, client, tls, null, progress);
  }

  /**
   * As above; with {@code authDirectory} non-null, auth on (the first admin key is written there)
   * and the client sends a writer key, made in the store before the server starts, on every request
   * as {@code Authorization: Bearer}.
   */
  public static HttpRig start(
      FactumStore store, HttpClientKind client, boolean tls, Path authDirectory, Progress progress)
      throws IOException {
    BenchTls certificates = tls ? BenchTls.create() : null;
    // -Dfactum.bench.http-server=jdk measures the same workloads on the JDK's HTTP server
    ServerConfig config =
        ServerConfig.DEFAULT
            .withPort(0)
            .withTransport(
                HttpTransport.byId(
                    System.getProperty("factum.bench.http-server", HttpTransport.DEFAULT.id())));
    if (certificates != null) {
      config = config.withTls(certificates.server());
    }
    String apiKey = null;
    if (authDirectory != null) {
      apiKey = writerKey(store);
      config = config.withAuth(AuthSettings.on(authDirectory.resolve("admin.key")));
    }
    FactumServer server = FactumServer.start(store, config);
    return new HttpRig(
        server,
        client.connector(server.uri(), certificates == null ? null : certificates.client(), apiKey),
        progress);
  }

  /** A new writer key (every stream), made offline in the store; returns the key string. */
  private static String writerKey(FactumStore store) throws IOException {
    String created;
    try (KeyAdmin keys = KeyAdmin.open(store)) {
      created = keys.create("bench-writer", "writer", List.of(), List.of(), null, 0);
    }
    return JSON.readTree(created).get("key").asText();
  }

  public URI uri() {
    return server.uri();
  }

  /** A new connection, closed with the rig. */
  synchronized HttpConnection connect() {
    HttpConnection connection = connector.connect();
    connections.add(connection);
    return connection;
  }

  @Override
  public synchronized void close() {
    long started = System.nanoTime();
    try {
      server.close();
    } finally {
      long stopNanos = System.nanoTime() - started;
      if (stopNanos > 1_000_000_000L) {
        progress.say("stopping the server took %s", Fmt.seconds(stopNanos));
      }
      for (HttpConnection connection : connections) {
        try {
          connection.close();
        } catch (IOException ignored) {
          // best effort: the server has already closed its end
        }
      }
      connections.clear();
      connector.close();
    }
  }
}
