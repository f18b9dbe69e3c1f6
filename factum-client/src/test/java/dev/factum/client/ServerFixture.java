package dev.factum.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.factum.engine.FactumStore;
import dev.factum.engine.StoreOptions;
import dev.factum.engine.testing.FaultInjectingStorage;
import dev.factum.server.FactumServer;
import dev.factum.server.ServerConfig;
import dev.factum.storage.rocksdb.RocksDbStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real Factum server on a free loopback port over a real RocksDB store (behind a {@link
 * FaultInjectingStorage} seam), which a test can restart on the same port and data directory.
 *
 * <p>The server's shutdown grace is cut to one second. When a client closes an idle keep-alive
 * connection just as the JDK HTTP server stops, the server meets that connection's end of stream
 * after it checked for requests under way and never checks again, so its {@code stop} waits out the
 * whole grace period (10 s by default) with nothing in flight. Tests also close servers before
 * their clients, which avoids most of it.
 *
 * <p>While stopped, the fixture holds the server's port with a socket that is bound but never
 * listens: connecting is refused, exactly as with no server, and no other process can take the port
 * before the restart (as it could a port simply released).
 */
final class ServerFixture implements AutoCloseable {
  /** Quick retries, so tests that exercise them stay fast. */
  static final RetryPolicy FAST_RETRIES =
      new RetryPolicy(5, Duration.ofMillis(20), Duration.ofMillis(200));

  static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(1);

  static final RetryPolicy FAST_RECONNECTS =
      RetryPolicy.forever(Duration.ofMillis(20), Duration.ofMillis(200));

  private final Path directory;
  private final StoreOptions options;
  private ServerConfig config;
  FaultInjectingStorage storage;
  FactumStore store;
  FactumServer server;
  private boolean running;
  private Socket portHolder; // while stopped

  /** One client for scraping metrics, closed only after the server (see above). */
  private final HttpClient scraper = HttpClient.newHttpClient();

  private ServerFixture(Path directory, StoreOptions options, ServerConfig config)
      throws IOException {
    this.directory = directory;
    this.options = options;
    this.config = config;
    open();
  }

  static ServerFixture start(Path directory) throws IOException {
    return start(directory, StoreOptions.DEFAULT, ServerConfig.DEFAULT);
  }

  static ServerFixture start(Path directory, StoreOptions options, ServerConfig config)
      throws IOException {
    ServerConfig quickStop = config.withPort(0).withShutdownGrace(SHUTDOWN_GRACE);
    return new ServerFixture(directory, options, quickStop);
  }

  private void open() throws IOException {
    storage = new FaultInjectingStorage(RocksDbStorage.open(directory));
    store = FactumStore.open(storage, options);
    releasePort();
    server = FactumServer.start(store, config);
    config = config.withPort(server.port());
    running = true;
  }

  URI uri() {
    return server.uri();
  }

  Path directory() {
    return directory;
  }

  /**
   * Creates an API key through {@code /admin/keys} with the first admin key of a server started
   * with {@code AuthSettings.on(directory/admin.key)}; returns the key string.
   */
  String createKey(String keyJson) throws IOException, InterruptedException {
    String admin = Files.readString(directory.resolve("admin.key")).trim();
    HttpResponse<String> created =
        scraper.send(
            HttpRequest.newBuilder(URI.create(uri() + "/admin/keys"))
                .header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(keyJson))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (created.statusCode() != 201) {
      throw new IllegalStateException("key not created: " + created.body());
    }
    return new ObjectMapper().readTree(created.body()).get("key").asText();
  }

  int port() {
    return server.port();
  }

  /** A client of this server with quick retries and reconnects. */
  FactumClient.Builder client() {
    return client(uri());
  }

  static FactumClient.Builder client(URI uri) {
    return FactumClient.builder(uri)
        .connectTimeout(Duration.ofSeconds(2))
        .requestTimeout(Duration.ofSeconds(10))
        .retryPolicy(FAST_RETRIES)
        .subscriptionRetryPolicy(FAST_RECONNECTS);
  }

  /** Stops the server and the store, then starts both again on the same port and directory. */
  void restart() throws IOException {
    stop();
    open();
  }

  /** Stops the server, then the store. Idempotent. */
  void stop() {
    if (running) {
      running = false;
      server.close();
      store.close();
      holdPort(config.port());
    }
  }

  private void holdPort(int port) {
    Socket holder = new Socket();
    try {
      holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      portHolder = holder;
    } catch (IOException taken) {
      // Someone took it at once; a restart will then fail to bind and say so.
      try {
        holder.close();
      } catch (IOException ignored) {
        // it was never bound
      }
    }
  }

  private void releasePort() throws IOException {
    if (portHolder != null) {
      portHolder.close();
      portHolder = null;
    }
  }

  /** The sum of the server's metric samples whose line starts with {@code prefix}. */
  long metric(String prefix) {
    try {
      String text =
          scraper
              .send(
                  HttpRequest.newBuilder(URI.create(uri() + "/metrics")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      long sum = 0;
      for (String line : text.split("\n")) {
        if (line.startsWith(prefix)) {
          sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return sum;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** How many requests the server answered on {@code route} with {@code status}. */
  long requests(String route, int status) {
    return metric("factum_http_requests_total{route=\"" + route + "\",status=\"" + status + "\"}");
  }

  @Override
  public void close() {
    stop();
    scraper.close();
    try {
      releasePort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
