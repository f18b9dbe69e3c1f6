package dev.factum.serialized;

import static io.serialized.client.aggregate.AggregateExists.existsRequest;
import static io.serialized.client.aggregate.AggregateRequest.saveRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serialized.client.ApiException;
import io.serialized.client.SerializedClientConfig;
import io.serialized.client.aggregate.AggregateClient;
import io.serialized.client.aggregate.Event;
import io.serialized.client.feed.FeedClient;
import io.serialized.client.feed.FeedRequests;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With auth on, the Serialized headers name a Factum API key (access key = the key's id, secret =
 * the whole key); anything else is the client's 401 {@code ApiException}, and nothing is written.
 */
class SerializedKeysTest {
  @TempDir Path directory;
  FactumUnderTest factum;
  String writer;
  String reader;

  /** No state needed: the test checks who may write. */
  public static final class Nothing {}

  @BeforeEach
  void start() throws Exception {
    factum = FactumUnderTest.withAuth(directory);
    writer = factum.createKey("writer");
    reader = factum.createKey("reader");
  }

  @AfterEach
  void stop() {
    factum.close();
  }

  private AggregateClient<Nothing> client(SerializedClientConfig config) {
    return AggregateClient.aggregateClient("order", Nothing.class, config).build();
  }

  private static void save(AggregateClient<Nothing> client, UUID id) {
    client.save(
        saveRequest().withAggregateId(id).withEvent(Event.newEvent("OrderPlaced").build()).build());
  }

  @Test
  void wrongKeysAreTheClientsAuthorizationErrorAndWriteNothing() throws Exception {
    long head = factum.store.headPosition();
    String id = FactumUnderTest.idOf(writer);
    String otherId = FactumUnderTest.idOf(reader);
    String wrongSecret =
        writer.substring(0, writer.length() - 1) + (writer.endsWith("0") ? "1" : "0");
    List<SerializedClientConfig> wrong =
        List.of(
            factum.config(id, wrongSecret), // the secret is not the key's
            factum.config(otherId, writer), // the access key names another key
            factum.config(id, id), // the id alone is no secret
            factum.config("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
    UUID aggregate = UUID.randomUUID();
    for (SerializedClientConfig config : wrong) {
      assertThatThrownBy(() -> save(client(config), aggregate))
          .isInstanceOfSatisfying(
              ApiException.class, e -> assertThat(e.statusCode()).isEqualTo(401));
      assertThatThrownBy(
              () -> client(config).exists(existsRequest().withAggregateId(aggregate).build()))
          .isInstanceOfSatisfying(
              ApiException.class, e -> assertThat(e.statusCode()).isEqualTo(401));
      try (FeedClient feeds = FeedClient.feedClient(config).build()) {
        assertThatThrownBy(() -> feeds.execute(FeedRequests.getFromAll().build(), 0))
            .isInstanceOfSatisfying(
                ApiException.class, e -> assertThat(e.statusCode()).isEqualTo(401));
      }
    }
    // A reader's key reads but may not write.
    AggregateClient<Nothing> asReader = client(factum.config(otherId, reader));
    assertThatThrownBy(() -> save(asReader, aggregate))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.statusCode()).isEqualTo(403));
    assertThat(factum.store.headPosition()).isEqualTo(head);
    assertThat(asReader.exists(existsRequest().withAggregateId(aggregate).build())).isFalse();

    // The writer's own key pair works.
    AggregateClient<Nothing> asWriter = client(factum.config(id, writer));
    save(asWriter, aggregate);
    assertThat(asReader.exists(existsRequest().withAggregateId(aggregate).build())).isTrue();
    assertThat(factum.store.headPosition()).isEqualTo(head + 1);
  }

  @Test
  void aTenantThatDoesNotExistIsNotFoundAndNothingIsWritten() throws Exception {
    long head = factum.store.headPosition();
    AggregateClient<Nothing> asWriter = client(factum.config(FactumUnderTest.idOf(writer), writer));
    assertThatThrownBy(
            () ->
                asWriter.save(
                    saveRequest()
                        .withAggregateId(UUID.randomUUID())
                        .withTenantId(UUID.randomUUID())
                        .withEvent(Event.newEvent("OrderPlaced").build())
                        .build()))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
    assertThat(factum.store.headPosition()).isEqualTo(head);
  }
}
