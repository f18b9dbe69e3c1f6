package dev.factum.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.engine.FactumStore;
import dev.factum.server.FactumServer;
import dev.factum.server.ServerConfig;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import dev.factum.tck.Await;
import dev.factum.wire.WireJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code factum projections} and {@code factum reactions} against a real server: the CLI defines,
 * shows, reads, counts and deletes a projection, and lists, deletes and refuses reactions of the
 * Serialized-compatible layer.
 */
class ProjectionsCommandTest {
  @TempDir Path temp;

  private static JsonNode json(String text) throws Exception {
    return WireJson.mapper().readTree(text);
  }

  @Test
  void createShowGetCountStatusListDelete() throws Exception {
    Path file = temp.resolve("orders.json");
    Files.writeString(
        file,
        "{\"feedName\":\"order\",\"handlers\":[{\"eventType\":\"Placed\",\"functions\":["
            + "{\"function\":\"set\",\"targetSelector\":\"$.projection.customer\","
            + "\"eventSelector\":\"$.event.customer\"},"
            + "{\"function\":\"setref\",\"eventSelector\":\"$.event.customer\"}]}]}");
    try (FactumStore store = RocksDbEventStore.open(temp.resolve("store"));
        FactumServer server = FactumServer.start(store, ServerConfig.DEFAULT.withPort(0))) {
      String url = server.uri().toString();
      FactumCommandTest.Run created =
          FactumCommandTest.factum(
              "projections", "create", "orders", "--file", file.toString(), "--url", url);
      assertThat(created.exit()).as(created.err()).isZero();
      assertThat(json(created.out()).get("projectionName").asText()).isEqualTo("orders");

      store.append(
          "order-7",
          ExpectedRevision.any(),
          List.of(EventData.json("Placed", "{\"customer\":\"c\"}")));
      FactumCommandTest.Run got =
          FactumCommandTest.factum(
              "projections", "get", "orders", "7", "--wait", "10", "--url", url);
      assertThat(got.exit()).as(got.err()).isZero();
      assertThat(json(got.out()).at("/data/customer").asText()).isEqualTo("c");
      assertThat(json(got.out()).get("reference").asText()).isEqualTo("c");

      FactumCommandTest.Run count =
          FactumCommandTest.factum("projections", "count", "orders", "--url", url);
      assertThat(json(count.out()).get("count").asLong()).isEqualTo(1);
      FactumCommandTest.Run none =
          FactumCommandTest.factum(
              "projections", "count", "orders", "--reference", "x", "--url", url);
      assertThat(json(none.out()).get("count").asLong()).isZero();
      FactumCommandTest.Run shown =
          FactumCommandTest.factum("projections", "show", "orders", "--url", url);
      assertThat(json(shown.out()).get("feedName").asText()).isEqualTo("order");
      FactumCommandTest.Run status =
          FactumCommandTest.factum("projections", "status", "orders", "--url", url);
      assertThat(status.exit()).as(status.err()).isZero();
      assertThat(json(status.out()).get("generation").asLong()).isEqualTo(1);
      FactumCommandTest.Run list = FactumCommandTest.factum("projections", "list", "--url", url);
      assertThat(json(list.out()).get("projections")).hasSize(1);

      FactumCommandTest.Run missing =
          FactumCommandTest.factum("projections", "get", "orders", "8", "--url", url);
      assertThat(missing.exit()).isNotZero();
      assertThat(missing.err()).contains("projection-not-found");
      Files.writeString(file, "{\"feedName\":\"order\",\"handlers\":[]}");
      FactumCommandTest.Run bad =
          FactumCommandTest.factum(
              "projections", "create", "orders", "--file", file.toString(), "--url", url);
      assertThat(bad.exit()).isNotZero();
      assertThat(bad.err()).contains("invalid-request");

      FactumCommandTest.Run deleted =
          FactumCommandTest.factum("projections", "delete", "orders", "--url", url);
      assertThat(deleted.exit()).as(deleted.err()).isZero();
      assertThat(json(deleted.out()).get("deleted").asText()).isEqualTo("orders");
      FactumCommandTest.Run again =
          FactumCommandTest.factum("projections", "delete", "orders", "--url", url);
      assertThat(again.exit()).isNotZero();
      assertThat(again.err()).contains("projection-not-found");
      assertThat(FactumCommandTest.factum("projections", "get", "orders", "--url", url).exit())
          .as("a usage error")
          .isNotZero();
    }
  }

  private static HttpResponse<String> post(String uri, String json) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(uri))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void reactionsListedByStatusExecutedAndDeleted() throws Exception {
    try (HookReceiver receiver = HookReceiver.start(200);
        FactumStore store = RocksDbEventStore.open(temp.resolve("store"));
        FactumServer server = FactumServer.start(store, ServerConfig.DEFAULT.withPort(0))) {
      String url = server.uri().toString();
      String target = receiver.url();
      HttpResponse<String> defined =
          post(
              url + "/serialized/reactions/definitions",
              "{\"reactionName\":\"later\",\"feedName\":\"order\","
                  + "\"reactOnEventType\":\"Placed\",\"offset\":\"PT1H\","
                  + "\"action\":{\"actionType\":\"HTTP_POST\","
                  + "\"targetUri\":\""
                  + target
                  + "\"}}");
      assertThat(defined.statusCode()).as(defined.body()).isLessThan(300);
      HttpResponse<String> saved =
          post(
              url + "/serialized/aggregates/order/6f1c2a4e-0000-4000-8000-000000000001/events",
              "{\"events\":[{\"eventId\":\"6f1c2a4e-0000-4000-8000-0000000000e1\","
                  + "\"eventType\":\"Placed\",\"data\":{}}]}");
      assertThat(saved.statusCode()).as("saved through the Serialized layer").isLessThan(300);

      FactumCommandTest.Run definitions =
          FactumCommandTest.factum("reactions", "definitions", "--url", url);
      assertThat(definitions.exit()).as(definitions.err()).isZero();
      assertThat(definitions.out()).contains("\"later\"");

      AtomicReference<String> id = new AtomicReference<>();
      Await.until(
          "the reaction scheduled",
          Duration.ofSeconds(20),
          () -> {
            FactumCommandTest.Run list =
                FactumCommandTest.factum(
                    "reactions", "list", "--status", "SCHEDULED", "--url", url);
            try {
              JsonNode reactions = json(list.out()).get("reactions");
              if (!reactions.isEmpty()) {
                id.set(reactions.get(0).get("reactionId").asText());
              }
              return id.get() != null;
            } catch (Exception e) {
              throw new AssertionError(list.err(), e);
            }
          });
      assertThat(receiver.received()).as("an hour before it is due").isZero();

      FactumCommandTest.Run executed =
          FactumCommandTest.factum("reactions", "execute", id.get(), "--url", url);
      assertThat(executed.exit()).as(executed.err()).isZero();
      Await.until("the reaction delivered", Duration.ofSeconds(20), () -> receiver.received() == 1);
      Await.until(
          "the reaction completed",
          Duration.ofSeconds(20),
          () ->
              FactumCommandTest.factum("reactions", "list", "--status", "COMPLETED", "--url", url)
                  .out()
                  .contains(id.get()));

      FactumCommandTest.Run deleted =
          FactumCommandTest.factum("reactions", "delete", id.get(), "--url", url);
      assertThat(deleted.exit()).as(deleted.err()).isZero();
      FactumCommandTest.Run after = FactumCommandTest.factum("reactions", "list", "--url", url);
      assertThat(json(after.out()).get("reactions")).isEmpty();
      FactumCommandTest.Run again =
          FactumCommandTest.factum("reactions", "execute", id.get(), "--url", url);
      assertThat(again.exit()).as("a deleted reaction cannot run").isNotZero();
      assertThat(again.err()).contains("reaction-not-found");
      FactumCommandTest.Run badStatus =
          FactumCommandTest.factum("reactions", "list", "--status", "NOPE", "--url", url);
      assertThat(badStatus.exit()).isNotZero();
      assertThat(badStatus.err()).contains("invalid-request");
    }
  }
}
