package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.Direction;
import dev.factum.api.RecordedEvent;
import dev.factum.engine.FactumStore;
import dev.factum.engine.MasterKey;
import dev.factum.engine.StoreOptions;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import dev.factum.storage.rocksdb.RocksDbStorage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crypto-shredding over HTTP, end to end on a real server and RocksDB: events appended with a
 * {@code subject} read back decrypted with their subject on the stream, the log and SSE; {@code
 * DELETE /admin/subjects/{subject}} forgets one, after which the stream, the log (what an export
 * writes) and SSE show its events redacted and the other subject's intact; a backup taken after the
 * forget restores redacted, one taken before still holds the key (why operators expire backups); a
 * second forget is {@code subject-not-found}, a server without a master key answers {@code
 * encryption-unavailable} and writes nothing.
 */
class ShreddingHttpTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final MasterKey MASTER = MasterKey.generate();

  @TempDir Path directory;

  @Test
  void aForgottenSubjectIsRedactedOnEveryPathAndInLaterBackups() throws Exception {
    Path backups = directory.resolve("backups");
    StoreOptions options = StoreOptions.DEFAULT.withMasterKey(MASTER);
    try (TestServer server =
        new TestServer(
            directory.resolve("data"), ServerConfig.DEFAULT.withBackupRoot(backups), options)) {
      String body =
          """
          {"expectedRevision":"no_stream","events":[
            {"type":"Registered","data":{"name":"Alice Secret"},"metadata":{"ip":"1.2.3.4"},
             "subject":"alice","tags":["people"]},
            {"type":"Registered","data":{"name":"Bob Secret"},"subject":"bob"},
            {"type":"Noted","data":{"public":true}}]}""";
      assertThat(server.post("/streams/person-1", body).status()).isEqualTo(200);
      JsonNode before = server.get("/streams/person-1").json().get("events");
      assertThat(before.get(0).get("subject").asText()).isEqualTo("alice");
      assertThat(before.get(0).get("data").get("name").asText()).isEqualTo("Alice Secret");
      assertThat(before.get(0).get("metadata").get("ip").asText()).isEqualTo("1.2.3.4");
      assertThat(before.get(0).has("redacted")).isFalse();
      assertThat(before.get(2).has("subject")).isFalse();
      Path beforeForget = directory.resolve("backups-before");
      server.store.backup(beforeForget);

      TestServer.Reply forgot = server.delete("/admin/subjects/alice");
      assertThat(forgot.status()).as(forgot.body()).isEqualTo(200);
      assertThat(forgot.json().get("forgotten").asBoolean()).isTrue();
      TestServer.Reply again = server.delete("/admin/subjects/alice");
      assertThat(again.status()).isEqualTo(404);
      assertThat(again.json().get("code").asText()).isEqualTo("subject-not-found");

      assertRedacted(server.get("/streams/person-1").json().get("events"), before);
      assertRedacted(server.get("/all?from=0&limit=100").json().get("events"), before);
      try (SseClient sse = new SseClient(server.client, server.uri("/all/events"), null)) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (sse.events().size() < 3 && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        List<JsonNode> frames = new ArrayList<>();
        for (SseClient.Frame frame : sse.events()) {
          frames.add(frame.json());
        }
        assertRedacted(TestServer.JSON.valueToTree(frames), before);
      }
      assertThat(server.get("/metrics").body()).contains("factum_subject_forgets_total 1.0");

      JsonNode backup = server.post("/admin/backup", "{}").json();
      assertThat(backup.get("lastPosition").asLong()).isEqualTo(2);
      Path restored = directory.resolve("restored");
      RocksDbStorage.restore(backups.resolve("root"), restored);
      try (FactumStore copy = RocksDbEventStore.open(restored, options)) {
        List<RecordedEvent> events = copy.readAll(0, Direction.FORWARD, 10, null).events();
        assertThat(events.get(0).redacted()).isTrue();
        assertThat(events.get(1).dataAsString()).isEqualTo("{\"name\":\"Bob Secret\"}");
      }
      Path older = directory.resolve("restored-older");
      RocksDbStorage.restore(beforeForget, older);
      try (FactumStore copy = RocksDbEventStore.open(older, options)) {
        RecordedEvent alice = copy.readAll(0, Direction.FORWARD, 10, null).events().getFirst();
        assertThat(alice.redacted()).as("a backup from before the forget holds the key").isFalse();
      }
    }
  }

  /**
   * The DCB pair, as the native event JSON: an append may name a subject, a read shows it, and
   * after the forget {@code redacted: true} with data {@code {"redacted":true}}; a subject that is
   * not a string is refused, writing nothing.
   */
  @Test
  void dcbEventsShowTheirSubjectAndTheRedaction() throws Exception {
    StoreOptions options = StoreOptions.DEFAULT.withMasterKey(MASTER);
    try (TestServer server =
        new TestServer(directory.resolve("dcb"), ServerConfig.DEFAULT, options)) {
      TestServer.Reply appended =
          server.post(
              "/dcb/append",
              "{\"events\":[{\"type\":\"Registered\",\"data\":\"Alice Secret\","
                  + "\"tags\":[\"person:1\"],\"subject\":\"alice\"},"
                  + "{\"type\":\"Noted\",\"data\":\"public\"}]}");
      assertThat(appended.status()).as(appended.body()).isEqualTo(200);
      JsonNode before = server.get("/dcb/read").json();
      assertThat(before.get(0).get("subject").asText()).isEqualTo("alice");
      assertThat(before.get(0).get("data").asText()).isEqualTo("Alice Secret");
      assertThat(before.get(0).has("redacted")).isFalse();
      assertThat(before.get(1).has("subject")).isFalse();

      assertThat(server.delete("/admin/subjects/alice").status()).isEqualTo(200);
      JsonNode after = server.get("/dcb/read").json();
      JsonNode alice = after.get(0);
      assertThat(alice.get("redacted").asBoolean()).isTrue();
      assertThat(alice.get("subject").asText()).isEqualTo("alice");
      assertThat(alice.get("data").asText()).isEqualTo("{\"redacted\":true}");
      assertThat(alice.get("position")).isEqualTo(before.get(0).get("position"));
      assertThat(alice.get("tags")).isEqualTo(before.get(0).get("tags"));
      assertThat(after.get(1)).isEqualTo(before.get(1));

      TestServer.Reply bad =
          server.post(
              "/dcb/append", "{\"events\":[{\"type\":\"T\",\"data\":\"x\",\"subject\":7}]}");
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.json().get("code").asText()).isEqualTo("invalid-request");
      assertThat(server.get("/dcb/read").json().size()).isEqualTo(2);
    }
  }

  /**
   * A projection built after a forget folds what every read shows: the forgotten subject's data is
   * {@code {"redacted":true}}, another subject's is decrypted.
   */
  @Test
  void aProjectionBuiltAfterAForgetSeesRedactedData() throws Exception {
    StoreOptions options = StoreOptions.DEFAULT.withMasterKey(MASTER);
    try (TestServer server =
        new TestServer(directory.resolve("projection"), ServerConfig.DEFAULT, options)) {
      String body =
          """
          {"expectedRevision":"any","events":[
            {"type":"Registered","data":{"name":"Alice Secret"},"subject":"alice"}]}""";
      assertThat(server.post("/streams/person-1", body).status()).isEqualTo(200);
      String bobBody = body.replace("alice", "bob").replace("Alice Secret", "Bob Secret");
      assertThat(server.post("/streams/person-2", bobBody).status()).isEqualTo(200);
      assertThat(server.delete("/admin/subjects/alice").status()).isEqualTo(200);
      String definition =
          """
          {"feedName":"person","handlers":[{"eventType":"Registered","functions":[
            {"function":"set","targetSelector":"$.projection.name","eventSelector":"$.event.name"},
            {"function":"set","targetSelector":"$.projection.redacted",
             "eventSelector":"$.event.redacted"}]}]}""";
      assertThat(server.put("/projections/people", definition).status()).isEqualTo(201);
      JsonNode alice = server.get("/projections/people/documents/1?position=1&wait=10").json();
      assertThat(alice.at("/data/redacted").asBoolean()).as(alice.toString()).isTrue();
      assertThat(alice.toString()).doesNotContain("Alice Secret");
      JsonNode bob = server.get("/projections/people/documents/2?position=1&wait=10").json();
      assertThat(bob.at("/data/name").asText()).as(bob.toString()).isEqualTo("Bob Secret");
    }
  }

  @Test
  void withoutAMasterKeyASubjectIsRefusedAndNothingIsWritten() throws Exception {
    try (TestServer server = new TestServer(directory.resolve("plain"))) {
      TestServer.Reply reply =
          server.post(
              "/streams/person-1",
              "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{},"
                  + "\"subject\":\"alice\"}]}");
      assertThat(reply.status()).isEqualTo(409);
      assertThat(reply.json().get("code").asText()).isEqualTo("encryption-unavailable");
      assertThat(server.get("/streams/person-1").status()).isEqualTo(404);
      TestServer.Reply forget = server.delete("/admin/subjects/alice");
      assertThat(forget.json().get("code").asText()).isEqualTo("encryption-unavailable");
      TestServer.Reply bad =
          server.post(
              "/streams/person-1",
              "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{},"
                  + "\"subject\":7}]}");
      assertThat(bad.json().get("code").asText()).isEqualTo("invalid-request");
    }
  }

  private static void assertRedacted(JsonNode events, JsonNode before) {
    assertThat(events.size()).isEqualTo(3);
    for (int i = 0; i < 3; i++) {
      JsonNode now = events.get(i);
      JsonNode then = before.get(i);
      for (String field : List.of("id", "stream", "type", "revision", "position", "timestamp")) {
        assertThat(now.get(field)).as(field).isEqualTo(then.get(field));
      }
    }
    JsonNode alice = events.get(0);
    assertThat(alice.get("redacted").asBoolean()).isTrue();
    assertThat(alice.get("subject").asText()).isEqualTo("alice");
    assertThat(alice.get("data").toString()).isEqualTo("{\"redacted\":true}");
    assertThat(alice.has("metadata")).isFalse();
    assertThat(alice.get("tags")).isEqualTo(before.get(0).get("tags"));
    assertThat(events.get(1)).isEqualTo(before.get(1));
    assertThat(events.get(2)).isEqualTo(before.get(2));
  }
}
