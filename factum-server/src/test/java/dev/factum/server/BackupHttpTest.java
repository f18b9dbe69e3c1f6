package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.Direction;
import dev.factum.api.LogFilter;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.engine.FactumStore;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import dev.factum.storage.rocksdb.RocksDbStorage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /admin/backup}: a running server backs up the caller's own store into the directory
 * its settings name, verified, while it serves; the backup restores to the store as it was; a
 * tenant's admin gets its tenant's store only, in the tenant's own directory; a reader may not; a
 * server without a backup directory answers {@code backup-unavailable} and writes nothing.
 */
class BackupHttpTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();

  @TempDir Path directory;

  @Test
  void anAdminBacksTheRunningStoreUpIncrementallyAndTheBackupRestores() throws Exception {
    Path backups = directory.resolve("backups");
    try (TestServer server =
        new TestServer(directory.resolve("data"), ServerConfig.DEFAULT.withBackupRoot(backups))) {
      append(server, "order-1", 30);
      JsonNode first = server.post("/admin/backup", "{}").json();
      assertThat(first.get("backupId").asInt()).isEqualTo(1);
      assertThat(first.get("directory").asText()).isEqualTo(backups.resolve("root").toString());
      assertThat(first.get("lastPosition").asLong()).isEqualTo(server.store.headPosition());
      assertThat(first.get("verifiedEvents").asLong()).isGreaterThanOrEqualTo(30);

      append(server, "order-2", 20);
      long headAtSecond = server.store.headPosition();
      JsonNode second = server.post("/admin/backup", "{}").json();
      assertThat(second.get("backupId").asInt()).isEqualTo(2);
      assertThat(second.get("lastPosition").asLong()).isEqualTo(headAtSecond);
      assertThat(second.get("bytesAdded").asLong())
          .as("incremental: shares the first backup's files")
          .isLessThan(second.get("bytes").asLong());

      append(server, "order-3", 5); // after the backup: not in it
      Path restored = directory.resolve("restored");
      RocksDbStorage.restore(backups.resolve("root"), restored);
      try (FactumStore copy = RocksDbEventStore.open(restored)) {
        assertThat(copy.headPosition()).isEqualTo(headAtSecond);
        assertThat(log(copy)).isEqualTo(log(server.store).subList(0, (int) headAtSecond + 1));
      }
    }
  }

  @Test
  void aServerWithoutABackupDirectoryRefusesAndWritesNothing() throws Exception {
    try (TestServer server = new TestServer(directory.resolve("data"))) {
      TestServer.Reply reply = server.post("/admin/backup", "{}");
      assertThat(reply.status()).isEqualTo(409);
      assertThat(reply.json().get("code").asText()).isEqualTo("backup-unavailable");
      TestServer.Reply option = server.post("/admin/backup", "{\"to\":\"/tmp\"}");
      assertThat(option.status()).isEqualTo(400);
      assertThat(option.json().get("code").asText()).isEqualTo("invalid-request");
    }
    try (Stream<Path> files = Files.list(directory)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("data");
    }
  }

  @Test
  void aTenantAdminBacksUpItsOwnStoreOnlyAndAReaderMayNot() throws Exception {
    Path data = directory.resolve("data");
    Path backups = directory.resolve("backups");
    try (FactumStore store = RocksDbEventStore.open(data);
        FactumServer server =
            FactumServer.start(
                store,
                ServerConfig.DEFAULT
                    .withPort(0)
                    .withBackupRoot(backups)
                    .withAuth(AuthSettings.on(data.resolve("admin.key"))),
                RocksDbEventStore.tenants(data))) {
      String root = Files.readString(data.resolve("admin.key")).trim();
      JsonNode tenant = call(server, "POST", "/admin/tenants", root, "{\"name\":\"acme\"}").json();
      String admin = key(server, root, "admin");
      String reader = key(server, root, "reader");
      for (int i = 0; i < 3; i++) {
        TestServer.Reply appended =
            call(
                server,
                "POST",
                "/streams/invoice-" + i,
                admin,
                "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"Issued\",\"data\":{}}]}");
        assertThat(appended.status()).as(appended.body()).isEqualTo(200);
      }

      TestServer.Reply refused = call(server, "POST", "/admin/backup", reader, "{}");
      assertThat(refused.status()).isEqualTo(403);
      assertThat(backups).doesNotExist();

      TestServer.Reply backedUp = call(server, "POST", "/admin/backup", admin, "{}");
      assertThat(backedUp.status()).as(backedUp.body()).isEqualTo(200);
      Path tenantBackup = backups.resolve("tenants").resolve("acme-" + tenant.get("id").asText());
      assertThat(backedUp.json().get("directory").asText()).isEqualTo(tenantBackup.toString());
      assertThat(backups.resolve("root")).doesNotExist();

      Path restored = directory.resolve("restored");
      RocksDbStorage.restore(tenantBackup, restored);
      try (FactumStore copy = RocksDbEventStore.open(restored)) {
        assertThat(log(copy))
            .extracting(RecordedEvent::stream)
            .containsExactly("invoice-0", "invoice-1", "invoice-2");
      }
    }
  }

  private String key(FactumServer server, String root, String role) throws Exception {
    TestServer.Reply created =
        call(
            server,
            "POST",
            "/admin/keys",
            root,
            "{\"name\":\"k\",\"role\":\"" + role + "\",\"tenant\":\"acme\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("key").asText();
  }

  private TestServer.Reply call(
      FactumServer server, String method, String path, String key, String body)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(server.uri() + path))
            .timeout(WAIT)
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> response =
        http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new TestServer.Reply(
        response.statusCode(),
        response.headers().firstValue("Content-Type").orElse(""),
        response.body(),
        response);
  }

  private static void append(TestServer server, String stream, int events) throws Exception {
    TestServer.Reply reply =
        server.post(
            "/streams/" + stream,
            "{\"expectedRevision\":\"any\",\"events\":" + HttpApiTest.events(events) + "}");
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
  }

  private static List<RecordedEvent> log(FactumStore store) {
    List<RecordedEvent> events = new ArrayList<>();
    long from = 0;
    while (true) {
      ReadPage page = store.readAll(from, Direction.FORWARD, 500, LogFilter.none());
      events.addAll(page.events());
      if (page.endOfRead() || page.isEmpty()) {
        return events;
      }
      from = page.next();
    }
  }
}
