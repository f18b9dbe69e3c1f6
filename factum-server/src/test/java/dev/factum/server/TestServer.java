package dev.factum.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.factum.engine.FactumStore;
import dev.factum.engine.StoreOptions;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/** A real server on a free loopback port over a real RocksDB store, and a small HTTP client. */
final class TestServer implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  final FactumStore store;
  final FactumServer server;
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  TestServer(Path directory, ServerConfig config) throws IOException {
    this(directory, config, StoreOptions.DEFAULT);
  }

  TestServer(Path directory, ServerConfig config, StoreOptions options) throws IOException {
    store = RocksDbEventStore.open(directory, options);
    try {
      server = FactumServer.start(store, config.withPort(0));
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  TestServer(Path directory) throws IOException {
    this(directory, ServerConfig.DEFAULT);
  }

  /** Subscriptions of the store but the one the server's key registry keeps on {@code $keys}. */
  int userSubscriptions() {
    return store.subscriptionCount() - 1;
  }

  URI uri(String pathAndQuery) {
    return URI.create(server.uri() + pathAndQuery);
  }

  /** A response: status, content type, body text, and the body parsed as JSON when it is JSON. */
  record Reply(int status, String contentType, String body, HttpResponse<String> raw) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }
  }

  Reply send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<String> response =
        client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Reply(
        response.statusCode(),
        response.headers().firstValue("Content-Type").orElse(""),
        response.body(),
        response);
  }

  /**
   * A request to {@code base + path}: {@code key}, when not null, as a bearer token; {@code body},
   * when not null, as JSON.
   */
  static HttpRequest.Builder request(
      URI base, String method, String path, String key, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
  }

  Reply get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).GET().build());
  }

  Reply post(String path, String json) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  Reply put(String path, String json) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  Reply delete(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).DELETE().build());
  }

  @Override
  public void close() {
    server.close();
    store.close();
  }
}
