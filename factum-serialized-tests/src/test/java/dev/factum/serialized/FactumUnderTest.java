package dev.factum.serialized;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.factum.engine.FactumStore;
import dev.factum.engine.StoreOptions;
import dev.factum.server.AuthSettings;
import dev.factum.server.FactumServer;
import dev.factum.server.ServerConfig;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import io.serialized.client.SerializedClientConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real Factum server on a free loopback port over a real RocksDB store (with tenant storage
 * beside it), as the Serialized client sees it: {@link #config} points the official client at
 * {@code /serialized/}.
 */
final class FactumUnderTest implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  final FactumStore store;
  final FactumServer server;
  final Path adminKeyFile;
  private final HttpClient http = HttpClient.newHttpClient();

  private FactumUnderTest(Path directory, boolean auth, StoreOptions options) throws IOException {
    adminKeyFile = directory.resolve("admin.key");
    store = RocksDbEventStore.open(directory.resolve("data"), options);
    ServerConfig config = ServerConfig.DEFAULT.withPort(0);
    if (auth) {
      config = config.withAuth(AuthSettings.on(adminKeyFile));
    }
    try {
      server =
          FactumServer.start(
              store, config, RocksDbEventStore.tenants(directory.resolve("data"), options));
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** Open mode: loopback without --auth, where any keys are accepted. */
  static FactumUnderTest open(Path directory) throws IOException {
    return new FactumUnderTest(directory, false, StoreOptions.DEFAULT);
  }

  /** Open mode over a store opened with {@code options} (a master key, for data subjects). */
  static FactumUnderTest open(Path directory, StoreOptions options) throws IOException {
    return new FactumUnderTest(directory, false, options);
  }

  static FactumUnderTest withAuth(Path directory) throws IOException {
    return new FactumUnderTest(directory, true, StoreOptions.DEFAULT);
  }

  String root() {
    return server.uri() + "/serialized/";
  }

  SerializedClientConfig config(String accessKey, String secretAccessKey) {
    return SerializedClientConfig.serializedConfig()
        .rootApiUrl(root())
        .accessKey(accessKey)
        .secretAccessKey(secretAccessKey)
        .build();
  }

  /** Any keys: what open mode accepts. */
  SerializedClientConfig config() {
    return config("any-access-key", "any-secret");
  }

  String adminKey() throws IOException {
    return Files.readString(adminKeyFile).trim();
  }

  /** Creates a key with {@code role} through the native admin API; returns the key string. */
  String createKey(String role) throws IOException, InterruptedException {
    JsonNode created =
        JSON.readTree(
            send(
                    "POST",
                    "/admin/keys",
                    "{\"name\":\"serialized-" + role + "\",\"role\":\"" + role + "\"}",
                    adminKey())
                .body());
    return created.get("key").asText();
  }

  /** Creates a key with {@code role} of tenant {@code tenant} (a Factum tenant name). */
  String createKey(String role, String tenant) throws IOException, InterruptedException {
    HttpResponse<String> created =
        send(
            "POST",
            "/admin/keys",
            "{\"name\":\"t-" + role + "\",\"role\":\"" + role + "\",\"tenant\":\"" + tenant + "\"}",
            adminKey());
    if (created.statusCode() != 201) {
      throw new IllegalStateException(created.body());
    }
    return JSON.readTree(created.body()).get("key").asText();
  }

  /** The public id inside a key string {@code fk_<id>_<secret>}: the Serialized access key. */
  static String idOf(String key) {
    return key.substring(3, 19);
  }

  HttpResponse<String> send(String method, String path, String body, String bearer)
      throws IOException, InterruptedException {
    return sendWithHeaders(method, path, body, bearer, Map.of());
  }

  HttpResponse<String> sendWithHeaders(
      String method, String path, String body, String bearer, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server.uri() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
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
