package dev.factum.serialized;

import static io.serialized.client.aggregate.AggregateDelete.deleteRequest;
import static io.serialized.client.aggregate.AggregateExists.existsRequest;
import static io.serialized.client.aggregate.AggregateRequest.appendRequest;
import static io.serialized.client.aggregate.AggregateRequest.saveRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.Direction;
import dev.factum.api.RecordedEvent;
import io.serialized.client.ApiException;
import io.serialized.client.ConcurrencyException;
import io.serialized.client.aggregate.AggregateBulkRequest;
import io.serialized.client.aggregate.AggregateClient;
import io.serialized.client.aggregate.AggregateDeleteConfirmation;
import io.serialized.client.aggregate.Event;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official Serialized client's aggregate API against a real Factum server. */
class SerializedAggregatesTest {
  @TempDir Path directory;
  FactumUnderTest factum;

  /** The state the client builds from the events. */
  public static final class Cart {
    public final List<String> items = new ArrayList<>();
  }

  /** An event of the aggregate type {@code cart}. */
  public static final class ItemAdded {
    public String item;

    public ItemAdded() {}

    ItemAdded(String item) {
      this.item = item;
    }
  }

  @BeforeEach
  void start() throws Exception {
    factum = FactumUnderTest.open(directory);
  }

  @AfterEach
  void stop() {
    factum.close();
  }

  private AggregateClient<Cart> carts(int limit) {
    return AggregateClient.aggregateClient("cart", Cart.class, factum.config())
        .registerHandler(
            ItemAdded.class,
            (Cart cart, Event<ItemAdded> event) -> {
              cart.items.add(event.data().item);
              return cart;
            })
        .withLimit(limit)
        .build();
  }

  private static Event<ItemAdded> added(String item) {
    return Event.newEvent(new ItemAdded(item)).build();
  }

  private JsonNode load(UUID id, String query) throws Exception {
    HttpResponse<String> response =
        factum.send("GET", "/serialized/aggregates/cart/" + id + query, null, null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return FactumUnderTest.JSON.readTree(response.body());
  }

  @Test
  void savesLoadsAndPagesByBatchVersions() throws Exception {
    AggregateClient<Cart> carts = carts(2); // the client pages loads two batches at a time
    UUID id = UUID.randomUUID();
    carts.save(
        saveRequest().withAggregateId(id).withEvent(added("a")).withEvent(added("b")).build());
    carts.save(appendRequest(1).withAggregateId(id).withEvent(added("c")).build());
    for (String item : List.of("d", "e", "f")) {
      assertThat(carts.update(id, cart -> List.of(added(item)))).isEqualTo(1);
    }
    // The last update loaded five batches in three pages (since 0, 2, 4) to build its state.
    assertThat(carts.update(id, cart -> List.of(added(cart.items.toString())))).isEqualTo(1);
    JsonNode all = load(id, "");
    assertThat(all.get("aggregateVersion").asLong()).isEqualTo(6);
    assertThat(all.get("hasMore").asBoolean()).isFalse();
    assertThat(all.get("events").get(6).get("data").get("item").asText())
        .isEqualTo("[a, b, c, d, e, f]");

    JsonNode page = load(id, "?since=1&limit=2");
    assertThat(page.get("events")).hasSize(2); // batches 2 (c) and 3 (d)
    assertThat(page.get("events").get(0).get("data").get("item").asText()).isEqualTo("c");
    assertThat(page.get("events").get(1).get("data").get("item").asText()).isEqualTo("d");
    assertThat(page.get("hasMore").asBoolean()).isTrue();
    assertThat(load(id, "?since=6").get("events")).isEmpty();

    assertThat(carts.exists(existsRequest().withAggregateId(id).build())).isTrue();
    assertThat(carts.exists(existsRequest().withAggregateId(UUID.randomUUID()).build())).isFalse();
    assertThatThrownBy(() -> carts.update(UUID.randomUUID(), cart -> List.of(added("x"))))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
  }

  @Test
  void anUnknownTenantIsNotFoundInOpenModeToo() {
    long head = factum.store.headPosition();
    assertThatThrownBy(
            () ->
                carts(1000)
                    .save(
                        saveRequest()
                            .withAggregateId(UUID.randomUUID())
                            .withTenantId(UUID.randomUUID())
                            .withEvent(added("a"))
                            .build()))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
    assertThat(factum.store.headPosition()).isEqualTo(head);
  }

  @Test
  void theEventsAreOrdinaryFactumEvents() throws Exception {
    UUID id = UUID.randomUUID();
    Event<ItemAdded> first = added("a");
    carts(1000)
        .save(saveRequest().withAggregateId(id).withEvent(first).withEvent(added("b")).build());
    List<RecordedEvent> events =
        factum.store.readStream("cart-" + id, 0, Direction.FORWARD, 10).events();
    assertThat(events).hasSize(2);
    assertThat(events.getFirst().id()).isEqualTo(first.eventId());
    assertThat(events.getFirst().type()).isEqualTo("ItemAdded");
    assertThat(events.getFirst().category()).isEqualTo("cart");
    assertThat(events.getFirst().dataAsString()).isEqualTo("{\"item\":\"a\"}");
    assertThat(new String(events.get(1).metadata(), StandardCharsets.UTF_8))
        .isEqualTo("{\"serialized\":{\"version\":1,\"batchSize\":2,\"batchIndex\":1}}");
  }

  @Test
  void ofTwoConcurrentUpdatesOfOneVersionExactlyOneWins() throws Exception {
    AggregateClient<Cart> carts = carts(1000);
    UUID id = UUID.randomUUID();
    carts.save(saveRequest().withAggregateId(id).withEvent(added("a")).build());
    CyclicBarrier bothLoaded = new CyclicBarrier(2);
    List<CompletableFuture<Integer>> updates = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    for (String item : List.of("x", "y")) {
      updates.add(
          CompletableFuture.supplyAsync(
              () ->
                  carts.update(
                      id,
                      cart -> {
                        try {
                          bothLoaded.await(10, TimeUnit.SECONDS); // both hold version 1
                        } catch (Exception e) {
                          throw new IllegalStateException(e);
                        }
                        return List.of(added(item));
                      }),
              threads));
    }
    threads.shutdown();
    int won = 0;
    int conflicts = 0;
    for (CompletableFuture<Integer> update : updates) {
      try {
        update.get(30, TimeUnit.SECONDS);
        won++;
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(ConcurrencyException.class);
        conflicts++;
      }
    }
    assertThat(won).isEqualTo(1);
    assertThat(conflicts).isEqualTo(1);
    assertThat(load(id, "").get("aggregateVersion").asLong()).isEqualTo(2);
    assertThat(load(id, "").get("events")).hasSize(2);

    // A stale expected version is the client's ConcurrencyException too, and writes nothing.
    assertThatThrownBy(
            () -> carts.save(appendRequest(1).withAggregateId(id).withEvent(added("z")).build()))
        .isInstanceOf(ConcurrencyException.class);
    assertThatThrownBy(
            () -> carts.save(saveRequest().withAggregateId(id).withEvent(added("z")).build()))
        .isInstanceOf(ConcurrencyException.class);
    assertThat(load(id, "").get("events")).hasSize(2);
  }

  @Test
  void aRetriedSaveIsAcknowledgedAndWritesNothing() throws Exception {
    AggregateClient<Cart> carts = carts(1000);
    UUID id = UUID.randomUUID();
    var first =
        saveRequest().withAggregateId(id).withEvent(added("a")).withEvent(added("b")).build();
    carts.save(first);
    carts.save(first); // the same event ids with the same expected version: a retry
    var unchecked = appendRequest().withAggregateId(id).withEvent(added("c")).build();
    carts.save(unchecked);
    carts.save(unchecked); // without an expected version too
    JsonNode loaded = load(id, "");
    assertThat(loaded.get("aggregateVersion").asLong()).isEqualTo(2);
    assertThat(loaded.get("events")).hasSize(3);
  }

  @Test
  void aBulkSaveIsAtomic() throws Exception {
    AggregateClient<Cart> carts = carts(1000);
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    UUID c = UUID.randomUUID();
    carts.save(saveRequest().withAggregateId(c).withEvent(added("c0")).build());
    carts.save(
        AggregateBulkRequest.bulkRequest()
            .withAggregateRequest(saveRequest().withAggregateId(a).withEvent(added("a1")).build())
            .withAggregateRequest(saveRequest().withAggregateId(b).withEvent(added("b1")).build())
            .withAggregateRequest(
                appendRequest(1).withAggregateId(c).withEvent(added("c1")).build())
            .build());
    assertThat(load(a, "").get("aggregateVersion").asLong()).isEqualTo(1);
    assertThat(load(b, "").get("aggregateVersion").asLong()).isEqualTo(1);
    assertThat(load(c, "").get("aggregateVersion").asLong()).isEqualTo(2);

    long head = factum.store.headPosition();
    UUID d = UUID.randomUUID();
    assertThatThrownBy(
            () ->
                carts.save(
                    AggregateBulkRequest.bulkRequest()
                        .withAggregateRequest(
                            saveRequest().withAggregateId(d).withEvent(added("d1")).build())
                        .withAggregateRequest(
                            appendRequest(1).withAggregateId(c).withEvent(added("c2")).build())
                        .build()))
        .isInstanceOf(ConcurrencyException.class);
    assertThat(factum.store.headPosition()).isEqualTo(head);
    assertThat(carts.exists(existsRequest().withAggregateId(d).build())).isFalse();

    // A part the store refuses (an event type over its 256-byte limit: 413 limit-exceeded) fails
    // the whole bulk save.
    assertThatThrownBy(
            () ->
                carts.save(
                    AggregateBulkRequest.bulkRequest()
                        .withAggregateRequest(
                            saveRequest().withAggregateId(d).withEvent(added("d1")).build())
                        .withAggregateRequest(
                            appendRequest(2)
                                .withAggregateId(c)
                                .withEvent(Event.newEvent("T".repeat(300)).build())
                                .build())
                        .build()))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.statusCode()).isEqualTo(413));
    assertThat(factum.store.headPosition()).isEqualTo(head);
    assertThat(carts.exists(existsRequest().withAggregateId(d).build())).isFalse();

    // The client's bulk update: one atomic save of every aggregate's new batch.
    assertThat(carts.bulkUpdate(Set.of(a, b), cart -> List.of(added("more")))).isEqualTo(2);
    assertThat(load(a, "").get("aggregateVersion").asLong()).isEqualTo(2);
    assertThat(load(b, "").get("aggregateVersion").asLong()).isEqualTo(2);
  }

  @Test
  void deletesNeedTheirToken() throws Exception {
    AggregateClient<Cart> carts = carts(1000);
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    carts.save(saveRequest().withAggregateId(a).withEvent(added("a")).build());
    carts.save(saveRequest().withAggregateId(b).withEvent(added("b")).build());

    // A token handed out before a write no longer deletes.
    AggregateDeleteConfirmation stale = carts.delete(deleteRequest().withAggregateId(a).build());
    carts.save(appendRequest(1).withAggregateId(a).withEvent(added("a2")).build());
    assertThatThrownBy(stale::confirm)
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.statusCode()).isEqualTo(409));
    assertThat(carts.exists(existsRequest().withAggregateId(a).build())).isTrue();

    carts.delete(deleteRequest().withAggregateId(a).build()).confirm();
    assertThat(carts.exists(existsRequest().withAggregateId(a).build())).isFalse();
    assertThat(carts.exists(existsRequest().withAggregateId(b).build())).isTrue();
    // A deleted aggregate starts again at version 1.
    carts.save(saveRequest().withAggregateId(a).withEvent(added("new")).build());
    assertThat(load(a, "").get("events")).hasSize(1);

    carts.delete(deleteRequest().build()).confirm(); // the whole type
    assertThat(carts.exists(existsRequest().withAggregateId(a).build())).isFalse();
    assertThat(carts.exists(existsRequest().withAggregateId(b).build())).isFalse();
    assertThat(factum.send("DELETE", "/serialized/aggregates/cart/" + b, null, null).statusCode())
        .isEqualTo(404);
  }
}
