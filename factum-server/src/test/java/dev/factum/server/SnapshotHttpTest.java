package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.AppendRequest;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.ForbiddenException;
import dev.factum.api.snapshots.Snapshot;
import dev.factum.engine.FactumStore;
import dev.factum.engine.testing.InMemoryStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET} and {@code PUT /streams/{stream}/snapshot}: saved and served as base64, 204 when
 * there is none (or only one from before a delete), bad bodies refused as problems writing nothing,
 * and the permissions of a stream's events.
 */
class SnapshotHttpTest {
  @TempDir Path directory;
  TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new TestServer(directory);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static String body(long revision, int schema, String state) {
    String data = Base64.getEncoder().encodeToString(state.getBytes(StandardCharsets.UTF_8));
    return "{\"revision\":"
        + revision
        + ",\"schemaVersion\":"
        + schema
        + ",\"data\":\""
        + data
        + "\"}";
  }

  @Test
  void aSnapshotIsSavedAndServedUntilTheStreamIsDeleted() throws Exception {
    assertThat(server.get("/streams/order-1/snapshot").status()).isEqualTo(204);
    server.post(
        "/streams/order-1",
        "{\"expectedRevision\":\"any\",\"events\":" + HttpApiTest.events(4) + "}");
    TestServer.Reply saved = server.put("/streams/order-1/snapshot", body(2, 3, "{\"n\":2}"));
    assertThat(saved.status()).isEqualTo(200);
    assertThat(saved.json().get("stored").asBoolean()).isTrue();
    TestServer.Reply older = server.put("/streams/order-1/snapshot", body(1, 3, "older"));
    assertThat(older.json().get("stored").asBoolean()).isFalse();

    JsonNode served = server.get("/streams/order-1/snapshot").json();
    assertThat(served.get("stream").asText()).isEqualTo("order-1");
    assertThat(served.get("revision").asLong()).isEqualTo(2);
    assertThat(served.get("schemaVersion").asInt()).isEqualTo(3);
    assertThat(
            new String(
                Base64.getDecoder().decode(served.get("data").asText()), StandardCharsets.UTF_8))
        .isEqualTo("{\"n\":2}");

    assertThat(server.delete("/streams/order-1?expectedRevision=3").status()).isEqualTo(200);
    assertThat(server.get("/streams/order-1/snapshot").status()).isEqualTo(204);
  }

  @Test
  void badSnapshotsAreProblemsAndWriteNothing() throws Exception {
    server.post(
        "/streams/s", "{\"expectedRevision\":\"any\",\"events\":" + HttpApiTest.events(2) + "}");
    server.put("/streams/s/snapshot", body(0, 1, "kept"));
    List<String> bad =
        List.of(
            "{\"revision\":1,\"schemaVersion\":1}",
            "{\"revision\":-1,\"schemaVersion\":1,\"data\":\"\"}",
            "{\"revision\":1,\"schemaVersion\":-1,\"data\":\"\"}",
            "{\"revision\":1,\"schemaVersion\":1,\"data\":\"not base64!\"}",
            "{\"revision\":1,\"schemaVersion\":1,\"data\":\"\",\"extra\":true}",
            "{\"revision\":\"1\",\"schemaVersion\":1,\"data\":\"\"}",
            "{\"revision\":1,\"schemaVersion\":4294967296,\"data\":\"\"}",
            "[]",
            "{\"revision\":9,\"schemaVersion\":1,\"data\":\"\"}");
    for (String body : bad) {
      TestServer.Reply reply = server.put("/streams/s/snapshot", body);
      assertThat(reply.status()).as(body).isEqualTo(400);
      assertThat(reply.contentType()).as(body).startsWith("application/problem+json");
      assertThat(reply.json().get("code").asText()).as(body).isEqualTo("invalid-request");
    }
    TestServer.Reply unknown = server.put("/streams/unknown/snapshot", body(0, 1, "x"));
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().get("code").asText()).isEqualTo("stream-not-found");
    JsonNode served = server.get("/streams/s/snapshot").json();
    assertThat(served.get("revision").asLong()).isZero();
    assertThat(Base64.getDecoder().decode(served.get("data").asText()))
        .isEqualTo("kept".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void snapshotsNeedTheStreamsReadAndWritePermissions() {
    try (FactumStore store = FactumStore.open(InMemoryStorage.create())) {
      for (String stream : List.of("order-1", "user-1")) {
        store.append(AppendRequest.of(stream, ExpectedRevision.any(), EventData.json("T", "{}")));
        store.snapshots().save(new Snapshot(stream, 0, 1, new byte[] {1}));
      }
      Principal reader =
          new Principal("k", "orders", Role.READER, new Scopes(List.of(), List.of("order")), 0);
      AuthorizedStore view = new AuthorizedStore(store, reader, 10);
      assertThat(view.loadSnapshot("order-1")).isPresent();
      assertThatThrownBy(() -> view.loadSnapshot("user-1")).isInstanceOf(ForbiddenException.class);
      assertThatThrownBy(() -> view.saveSnapshot(new Snapshot("order-1", 0, 1, new byte[] {2})))
          .isInstanceOf(ForbiddenException.class);
      Principal writer =
          new Principal("w", "orders", Role.WRITER, new Scopes(List.of(), List.of("order")), 0);
      AuthorizedStore writes = new AuthorizedStore(store, writer, 10);
      assertThat(writes.saveSnapshot(new Snapshot("order-1", 0, 2, new byte[] {3}))).isTrue();
      assertThatThrownBy(() -> writes.saveSnapshot(new Snapshot("user-1", 0, 2, new byte[] {3})))
          .isInstanceOf(ForbiddenException.class);
      assertThat(store.snapshots().load("user-1").orElseThrow().data()).containsExactly(1);
    }
  }
}
