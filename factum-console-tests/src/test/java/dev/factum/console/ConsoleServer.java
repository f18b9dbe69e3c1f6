package dev.factum.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.factum.engine.FactumStore;
import dev.factum.server.AuthSettings;
import dev.factum.server.FactumServer;
import dev.factum.server.ServerConfig;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real server on a free loopback port over a real RocksDB store, with the few HTTP calls the
 * browser tests make to set up data and check what the console did (appends, reads, keys).
 */
final class ConsoleServer implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  private final FactumStore store;
  private final FactumServer server;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** The admin key with auth on; null in open mode. */
  final String adminKey;

  private ConsoleServer(Path directory, boolean auth) throws IOException {
    store = RocksDbEventStore.open(directory.resolve("data"));
    ServerConfig config = ServerConfig.DEFAULT.withPort(0);
    if (auth) {
      config = config.withAuth(AuthSettings.on(directory.resolve("admin.key")));
    }
    try {
      server = FactumServer.start(store, config);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    adminKey = auth ? Files.readString(directory.resolve("admin.key")).trim() : null;
  }

  static ConsoleServer open(Path directory) throws IOException {
    return new ConsoleServer(directory, false);
  }

  static ConsoleServer withAuth(Path directory) throws IOException {
    return new ConsoleServer(directory, true);
  }

  String url(String path) {
    return server.uri() + path;
  }

  /** A response: status and body. */
  record Reply(int status, String body) {
    JsonNode json() throws IOException {
      return JSON.readTree(body);
    }
  }

  Reply call(String method, String path, String key, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path)));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> response =
        client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Reply(response.statusCode(), response.body());
  }

  /** Appends one event of type {@code type} with JSON {@code data}; fails unless it lands. */
  long append(String stream, String type, String data) throws Exception {
    Reply reply =
        call(
            "POST",
            "/streams/" + stream,
            adminKey,
            "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\""
                + type
                + "\",\"data\":"
                + data
                + "}]}");
    if (reply.status() != 200) {
      throw new AssertionError("append failed: " + reply);
    }
    return reply.json().get("position").asLong();
  }

  /** A new key of {@code role} (with auth on), limited to {@code prefix} when it is not null. */
  String createKey(String role, String prefix) throws Exception {
    String scope = prefix == null ? "" : ",\"prefixes\":[\"" + prefix + "\"]";
    Reply reply =
        call(
            "POST",
            "/admin/keys",
            adminKey,
            "{\"name\":\"" + role + "-key\",\"role\":\"" + role + "\"" + scope + "}");
    if (reply.status() != 201) {
      throw new AssertionError("key creation failed: " + reply);
    }
    return reply.json().get("key").asText();
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      store.close();
    }
  }
}
