package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.ForbiddenException;
import dev.factum.api.StreamMetadata;
import dev.factum.engine.FactumStore;
import dev.factum.engine.testing.InMemoryStorage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET} and {@code PUT /streams/{stream}/metadata}: set and served with its own revision,
 * honoured at once by the stream's pages ({@code firstRevision}) and state, a conflict as {@code
 * wrong-expected-metadata-revision}, bad bodies refused as problems writing nothing, a tombstoned
 * stream refused, and the permissions of a stream's events.
 */
class StreamMetadataHttpTest {
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

  @Test
  void metadataIsSetServedAndHonouredByTheStreamsPagesAndState() throws Exception {
    JsonNode none = server.get("/streams/order-1/metadata").json();
    assertThat(none.get("metadataRevision").asLong()).isEqualTo(-1);
    assertThat(none.size()).isEqualTo(2); // stream and metadataRevision: no setting
    TestServer.Reply set =
        server.put(
            "/streams/order-1/metadata",
            "{\"expectedMetadataRevision\":\"no_stream\",\"maxCount\":2,"
                + "\"maxAge\":3600,\"custom\":{\"owner\":\"billing\",\"n\":[1,2]}}");
    assertThat(set.status()).as(set.body()).isEqualTo(200);
    assertThat(set.json().get("metadataRevision").asLong()).isZero();
    server.post(
        "/streams/order-1",
        "{\"expectedRevision\":\"any\",\"events\":" + HttpApiTest.events(5) + "}");

    JsonNode served = server.get("/streams/order-1/metadata").json();
    assertThat(served.get("stream").asText()).isEqualTo("order-1");
    assertThat(served.get("metadataRevision").asLong()).isZero();
    assertThat(served.get("maxCount").asLong()).isEqualTo(2);
    assertThat(served.get("maxAge").asLong()).isEqualTo(3600);
    assertThat(served.get("custom").toString()).isEqualTo("{\"owner\":\"billing\",\"n\":[1,2]}");

    JsonNode page = server.get("/streams/order-1?from=0").json();
    assertThat(page.get("firstRevision").asLong()).isEqualTo(3);
    assertThat(page.get("events"))
        .extracting(e -> e.get("revision").asLong())
        .containsExactly(3L, 4L);
    JsonNode backward = server.get("/streams/order-1?direction=backward").json();
    assertThat(backward.get("events"))
        .extracting(e -> e.get("revision").asLong())
        .containsExactly(4L, 3L);
    JsonNode state = server.get("/streams/order-1/state").json();
    assertThat(state.get("firstVisibleRevision").asLong()).isEqualTo(3);
    assertThat(state.get("lastRevision").asLong()).isEqualTo(4);
    // The global log is not filtered by stream metadata.
    assertThat(server.get("/all?from=0").json().get("events")).hasSize(5);
    assertThat(server.get("/all?from=0").json().has("firstRevision")).isFalse();

    TestServer.Reply conflict =
        server.put("/streams/order-1/metadata", "{\"expectedMetadataRevision\":5,\"maxCount\":1}");
    assertThat(conflict.status()).isEqualTo(409);
    assertThat(conflict.contentType()).startsWith("application/problem+json");
    assertThat(conflict.json().get("code").asText()).isEqualTo("wrong-expected-metadata-revision");
    assertThat(conflict.json().get("actualMetadataRevision").asLong()).isZero();
    assertThat(conflict.json().get("expectedMetadataRevision").asText()).isEqualTo("5");

    TestServer.Reply cleared =
        server.put("/streams/order-1/metadata", "{\"expectedMetadataRevision\":0}");
    assertThat(cleared.json().get("metadataRevision").asLong()).isEqualTo(1);
    assertThat(server.get("/streams/order-1?from=0").json().get("events")).hasSize(5);
  }

  @Test
  void badBodiesAreProblemsAndWriteNothing() throws Exception {
    server.put("/streams/s/metadata", "{\"expectedMetadataRevision\":\"any\",\"maxCount\":7}");
    List<String> bad =
        List.of(
            "{\"maxCount\":1}",
            "{\"expectedMetadataRevision\":\"sometimes\"}",
            "{\"expectedMetadataRevision\":-3}",
            "{\"expectedMetadataRevision\":\"any\",\"maxcount\":1}",
            "{\"expectedMetadataRevision\":\"any\",\"maxCount\":0}",
            "{\"expectedMetadataRevision\":\"any\",\"maxCount\":\"3\"}",
            "{\"expectedMetadataRevision\":\"any\",\"maxAge\":0}",
            "{\"expectedMetadataRevision\":\"any\",\"maxAge\":1.5}",
            "{\"expectedMetadataRevision\":\"any\",\"truncateBefore\":-1}",
            "{\"expectedMetadataRevision\":\"any\",\"custom\":[1]}",
            "{\"expectedMetadataRevision\":\"any\",\"extra\":1}",
            "[]");
    for (String body : bad) {
      TestServer.Reply reply = server.put("/streams/s/metadata", body);
      assertThat(reply.status()).as(body).isEqualTo(400);
      assertThat(reply.contentType()).as(body).startsWith("application/problem+json");
      assertThat(reply.json().get("code").asText()).as(body).isEqualTo("invalid-request");
    }
    JsonNode kept = server.get("/streams/s/metadata").json();
    assertThat(kept.get("metadataRevision").asLong()).isZero();
    assertThat(kept.get("maxCount").asLong()).isEqualTo(7);

    server.post(
        "/streams/gone", "{\"expectedRevision\":\"any\",\"events\":" + HttpApiTest.events(1) + "}");
    server.delete("/streams/gone?expectedRevision=any&tombstone=true");
    TestServer.Reply tombstoned =
        server.put("/streams/gone/metadata", "{\"expectedMetadataRevision\":\"any\"}");
    assertThat(tombstoned.status()).isEqualTo(410);
    assertThat(tombstoned.json().get("code").asText()).isEqualTo("stream-deleted");
    assertThat(server.get("/streams/gone/metadata").status()).isEqualTo(410);
  }

  @Test
  void metadataNeedsTheStreamsReadAndWritePermissions() {
    try (FactumStore store = FactumStore.open(InMemoryStorage.create())) {
      StreamMetadata two = StreamMetadata.NONE.withMaxCount(2L);
      store.setStreamMetadata("user-1", ExpectedRevision.any(), two);
      Principal reader =
          new Principal("k", "orders", Role.READER, new Scopes(List.of(), List.of("order")), 0);
      AuthorizedStore view = new AuthorizedStore(store, reader, 10);
      assertThat(view.streamMetadata("order-1").metadataRevision()).isEqualTo(-1);
      assertThatThrownBy(() -> view.streamMetadata("user-1"))
          .isInstanceOf(ForbiddenException.class);
      assertThatThrownBy(() -> view.setStreamMetadata("order-1", ExpectedRevision.any(), two))
          .isInstanceOf(ForbiddenException.class);
      Principal writer =
          new Principal("w", "orders", Role.WRITER, new Scopes(List.of(), List.of("order")), 0);
      AuthorizedStore writes = new AuthorizedStore(store, writer, 10);
      assertThat(writes.setStreamMetadata("order-1", ExpectedRevision.any(), two)).isZero();
      assertThatThrownBy(
              () -> writes.setStreamMetadata("user-1", ExpectedRevision.any(), StreamMetadata.NONE))
          .isInstanceOf(ForbiddenException.class);
      assertThat(store.streamMetadata("user-1").metadata()).isEqualTo(two);
    }
  }
}
