package dev.factum.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.engine.spi.VerifyReport;
import dev.factum.powerloss.testing.PowerLossFileSystem;
import dev.factum.storage.rocksdb.RocksDbStorage;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real I/O error under the server process: the data directory on a {@link PowerLossFileSystem}
 * that answers EIO to the next write, or the next fdatasync, of RocksDB's write-ahead log. Over
 * HTTP the failed append is a 500 {@code storage-failure} (never {@code storage-full}) and every
 * later append a 503 {@code store-closed}; after a power cut the server restarted on what survived
 * serves every acknowledged append, and a retry of the failed one with the same event ids is in the
 * log exactly once, however often it is sent.
 */
class ServerIoErrorTest {
  @TempDir Path temp;

  @Test
  void eioOnAWalWriteIsAStorageFailureOverHttp() throws Exception {
    run(fs -> fs.failNextWrite(path -> path.endsWith(".log")));
  }

  @Test
  void eioOnAWalSyncIsAStorageFailureOverHttp() throws Exception {
    run(fs -> fs.failNextSync(path -> path.endsWith(".log")));
  }

  private static String body(List<UUID> ids, int n) {
    StringBuilder body = new StringBuilder("{\"expectedRevision\":\"any\",\"events\":[");
    for (int i = 0; i < ids.size(); i++) {
      body.append(i == 0 ? "" : ",")
          .append("{\"id\":\"")
          .append(ids.get(i))
          .append("\",\"type\":\"T\",\"data\":{\"n\":")
          .append(n)
          .append("},\"metadata\":{\"m\":")
          .append(i)
          .append("},\"tags\":[\"t")
          .append(n % 2)
          .append("\"]}");
    }
    return body.append("]}").toString();
  }

  private void run(Consumer<PowerLossFileSystem> fault) throws Exception {
    List<UUID> acknowledged = new ArrayList<>();
    List<UUID> failed = List.of(UUID.randomUUID(), UUID.randomUUID());
    Path survivors = temp.resolve("survivors");
    try (PowerLossFileSystem fs =
        PowerLossFileSystem.mount(temp.resolve("backing"), temp.resolve("mnt"))) {
      Path data = Files.createDirectory(fs.root().resolve("data"));
      try (FileChannel root = FileChannel.open(fs.root(), StandardOpenOption.READ)) {
        root.force(true);
      }
      try (ServerProcess server =
          ServerProcess.start(
              temp.resolve("server.log"), "--data", data.toString(), "--port", "0")) {
        for (int n = 0; n < 5; n++) {
          List<UUID> ids = List.of(UUID.randomUUID());
          ServerProcess.Reply reply = server.post("/streams/s-" + n % 2, body(ids, n));
          assertThat(reply.status()).as(reply.body()).isEqualTo(200);
          acknowledged.addAll(ids);
        }
        fault.accept(fs);
        ServerProcess.Reply failure = server.post("/streams/s-0", body(failed, 5));
        assertThat(failure.status()).as(failure.body()).isEqualTo(500);
        assertThat(failure.json().path("code").asText()).isEqualTo("storage-failure");
        assertThat(fs.injectedFailures()).as("the EIO was answered").isEqualTo(1);
        ServerProcess.Reply later =
            server.post("/streams/s-1", body(List.of(UUID.randomUUID()), 6));
        assertThat(later.status()).as(later.body()).isEqualTo(503);
        assertThat(later.json().path("code").asText()).isEqualTo("store-closed");
        fs.cutPower();
        server.kill();
      }
      fs.survivors(survivors, null);
    }
    Path data = survivors.resolve("data");
    try (ServerProcess server =
        ServerProcess.start(
            temp.resolve("restarted.log"), "--data", data.toString(), "--port", "0")) {
      assertThat(ids(server.readPages("/all?from=0&limit=1000")))
          .startsWith(acknowledged.toArray(UUID[]::new));
      for (int retry = 0; retry < 2; retry++) {
        ServerProcess.Reply reply = server.post("/streams/s-0", body(failed, 5));
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
      }
      List<UUID> expected = new ArrayList<>(acknowledged);
      expected.addAll(failed);
      assertThat(ids(server.readPages("/all?from=0&limit=1000"))).isEqualTo(expected);
      server.stop();
    }
    try (RocksDbStorage storage = RocksDbStorage.open(data)) {
      VerifyReport report = storage.verify();
      assertThat(report.ok()).as(report.toString()).isTrue();
    }
  }

  private static List<UUID> ids(List<JsonNode> events) {
    return events.stream().map(e -> UUID.fromString(e.get("id").asText())).toList();
  }
}
