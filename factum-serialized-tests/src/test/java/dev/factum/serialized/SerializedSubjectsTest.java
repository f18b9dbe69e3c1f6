package dev.factum.serialized;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.engine.MasterKey;
import dev.factum.engine.StoreOptions;
import io.serialized.client.aggregate.AggregateClient;
import io.serialized.client.aggregate.Event;
import io.serialized.client.feed.FeedClient;
import io.serialized.client.feed.FeedEntry;
import io.serialized.client.feed.FeedRequests;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data subjects seen through the Serialized API by the official client: an event appended natively
 * with a subject and Serialized's batch facts is shown with a {@code subject} member beyond
 * Serialized's shape, which the client's aggregate and feed reads take in their stride; once the
 * subject is forgotten, its batch (whose facts were in the sealed metadata) leaves the aggregate
 * and the feed, and no Serialized read shows its plaintext (docs/SERIALIZED.md, "Data subjects").
 */
class SerializedSubjectsTest {
  @TempDir Path directory;

  /** The state the client builds. */
  public static final class Cart {
    public final List<String> items = new ArrayList<>();
  }

  /** An event of the aggregate type {@code cart}. */
  public static final class ItemAdded {
    public String item;
  }

  @Test
  void theClientReadsEventsWithASubjectAndAForgottenOnesBatchLeavesTheViews() throws Exception {
    try (FactumUnderTest factum =
            FactumUnderTest.open(
                directory, StoreOptions.DEFAULT.withMasterKey(MasterKey.generate()));
        FeedClient feeds = FeedClient.feedClient(factum.config()).build()) {
      AggregateClient<Cart> carts =
          AggregateClient.aggregateClient("cart", Cart.class, factum.config())
              .registerHandler(
                  ItemAdded.class,
                  (Cart cart, Event<ItemAdded> event) -> {
                    cart.items.add(event.data().item);
                    return cart;
                  })
              .build();
      UUID id = UUID.randomUUID();
      HttpResponse<String> appended =
          factum.send(
              "POST",
              "/streams/cart-" + id,
              "{\"expectedRevision\":\"no_stream\",\"events\":[{\"type\":\"ItemAdded\","
                  + "\"data\":{\"item\":\"Alice Secret\"},\"subject\":\"alice\",\"metadata\":"
                  + "{\"serialized\":{\"version\":1,\"batchSize\":1,\"batchIndex\":0}}}]}",
              null);
      assertThat(appended.statusCode()).as(appended.body()).isEqualTo(200);
      JsonNode loaded = aggregate(factum, id);
      assertThat(loaded.get("events").get(0).get("subject").asText()).isEqualTo("alice");

      List<List<String>> seen = new ArrayList<>();
      carts.update(
          id,
          cart -> {
            seen.add(List.copyOf(cart.items));
            return List.of(Event.newEvent("ItemAdded").data("item", "plain item").build());
          });
      assertThat(seen).containsExactly(List.of("Alice Secret"));
      assertThat(feed(feeds)).containsExactly(List.of("Alice Secret"), List.of("plain item"));

      HttpResponse<String> forgot = factum.send("DELETE", "/admin/subjects/alice", null, null);
      assertThat(forgot.statusCode()).as(forgot.body()).isEqualTo(200);

      carts.update(
          id,
          cart -> {
            seen.add(List.copyOf(cart.items));
            return List.of();
          });
      assertThat(seen.getLast()).containsExactly("plain item");
      assertThat(feed(feeds)).containsExactly(List.of("plain item"));
      JsonNode after = aggregate(factum, id);
      assertThat(after.get("aggregateVersion").asLong()).isEqualTo(2);
      assertThat(after.toString()).doesNotContain("Alice Secret");
      // the native API still shows the event, redacted
      JsonNode stream =
          FactumUnderTest.JSON.readTree(
              factum.send("GET", "/streams/cart-" + id, null, null).body());
      assertThat(stream.get("events").get(0).get("redacted").asBoolean()).isTrue();
    }
  }

  private static JsonNode aggregate(FactumUnderTest factum, UUID id) throws Exception {
    HttpResponse<String> response =
        factum.send("GET", "/serialized/aggregates/cart/" + id, null, null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return FactumUnderTest.JSON.readTree(response.body());
  }

  /** Each entry of the cart feed as the client reads it: its events' items. */
  private static List<List<String>> feed(FeedClient feeds) {
    List<List<String>> entries = new ArrayList<>();
    for (FeedEntry entry : feeds.execute(FeedRequests.getFromFeed("cart").build(), 0).entries()) {
      List<String> items = new ArrayList<>();
      for (io.serialized.client.feed.Event event : entry.events()) {
        items.add(event.dataValueAs("item", String.class));
      }
      entries.add(items);
    }
    return entries;
  }
}
