package dev.factum.serialized;

import static io.serialized.client.aggregate.AggregateRequest.appendRequest;
import static io.serialized.client.aggregate.AggregateRequest.saveRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.tck.Await;
import io.serialized.client.aggregate.AggregateClient;
import io.serialized.client.aggregate.AggregateDelete;
import io.serialized.client.aggregate.Event;
import io.serialized.client.feed.Feed;
import io.serialized.client.feed.FeedClient;
import io.serialized.client.feed.FeedEntry;
import io.serialized.client.feed.FeedRequests;
import io.serialized.client.feed.FeedResponse;
import io.serialized.client.feed.GetFeedRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official Serialized client's feed API against a real Factum server. */
class SerializedFeedsTest {
  @TempDir Path directory;
  FactumUnderTest factum;
  FeedClient feeds;

  /** Aggregates are written raw; the feed tests read them. */
  public static final class Anything {}

  @BeforeEach
  void start() throws Exception {
    factum = FactumUnderTest.open(directory);
    feeds = FeedClient.feedClient(factum.config()).build();
  }

  @AfterEach
  void stop() {
    feeds.close();
    factum.close();
  }

  private AggregateClient<Anything> client(String type) {
    return AggregateClient.aggregateClient(type, Anything.class, factum.config()).build();
  }

  private static Event<?> event(String type, int n) {
    return Event.newEvent(type).data("n", n).build();
  }

  /** Every entry of a feed, read page by page with {@code limit} as the client does. */
  private List<FeedEntry> readAll(GetFeedRequest.Builder request) {
    List<FeedEntry> entries = new ArrayList<>();
    long since = 0;
    while (true) {
      FeedResponse response = feeds.execute(request.build(), since);
      entries.addAll(response.entries());
      if (!response.entries().isEmpty()) {
        since = response.entries().getLast().sequenceNumber();
      } else {
        since = Math.max(since, response.currentSequenceNumber());
      }
      if (!response.hasMore()) {
        return entries;
      }
    }
  }

  @Test
  void feedsListCountAndReadSinceWithLimitAndTypeFilters() {
    AggregateClient<Anything> orders = client("order");
    AggregateClient<Anything> payments = client("payment");
    List<UUID> orderIds = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      UUID id = UUID.randomUUID();
      orderIds.add(id);
      orders.save(
          saveRequest()
              .withAggregateId(id)
              .withEvent(event("OrderPlaced", i))
              .withEvent(event("OrderPriced", i))
              .build());
      payments.save(
          saveRequest().withAggregateId(UUID.randomUUID()).withEvent(event("Paid", i)).build());
    }
    orders.save(
        appendRequest(1)
            .withAggregateId(orderIds.get(0))
            .withEvent(event("OrderShipped", 9))
            .build());

    List<Feed> list = feeds.execute(FeedRequests.listFeeds().build());
    assertThat(list).extracting(Feed::aggregateType).containsExactly("order", "payment");
    Feed order = list.get(0);
    assertThat(order.aggregateCount()).isEqualTo(5);
    assertThat(order.batchCount()).isEqualTo(6);
    assertThat(order.eventCount()).isEqualTo(11);

    // One type's feed, two entries per page: every batch once, in order, whole.
    List<FeedEntry> orderFeed = readAll(FeedRequests.getFromFeed("order").withLimit(2));
    assertThat(orderFeed).hasSize(6);
    assertThat(orderFeed.get(0).aggregateId()).isEqualTo(orderIds.get(0));
    assertThat(orderFeed.get(0).events()).hasSize(2);
    assertThat(orderFeed.get(0).events().get(1).eventType()).isEqualTo("OrderPriced");
    assertThat(orderFeed.get(5).events().get(0).eventType()).isEqualTo("OrderShipped");
    assertThat(orderFeed).extracting(FeedEntry::feedName).containsOnly("order");
    for (int i = 1; i < orderFeed.size(); i++) {
      assertThat(orderFeed.get(i).sequenceNumber())
          .isGreaterThan(orderFeed.get(i - 1).sequenceNumber());
    }

    // since is exclusive: from the third entry's number on come the fourth and later.
    FeedResponse after =
        feeds.execute(FeedRequests.getFromFeed("order").build(), orderFeed.get(2).sequenceNumber());
    assertThat(after.entries()).containsExactlyElementsOf(orderFeed.subList(3, 6));
    assertThat(after.hasMore()).isFalse();

    List<FeedEntry> all = readAll(FeedRequests.getFromAll().withLimit(3));
    assertThat(all).hasSize(11);
    List<FeedEntry> onlyPayments = readAll(FeedRequests.getFromAll("payment"));
    assertThat(onlyPayments).hasSize(5).extracting(FeedEntry::feedName).containsOnly("payment");

    // HEAD: the current sequence number of each feed.
    long orderHead = feeds.execute(FeedRequests.getSequenceNumber().withFeed("order").build());
    assertThat(orderHead).isEqualTo(orderFeed.getLast().sequenceNumber());
    long allHead = feeds.execute(FeedRequests.getSequenceNumber().build());
    assertThat(allHead).isEqualTo(all.getLast().sequenceNumber());
    assertThat(feeds.execute(FeedRequests.getFromFeed("order").build(), orderHead).entries())
        .isEmpty();
  }

  @Test
  void deletedAggregatesLeaveTheFeedAndDaysSelectEntries() throws Exception {
    AggregateClient<Anything> orders = client("order");
    UUID kept = UUID.randomUUID();
    UUID deleted = UUID.randomUUID();
    orders.save(saveRequest().withAggregateId(kept).withEvent(event("OrderPlaced", 1)).build());
    orders.save(saveRequest().withAggregateId(deleted).withEvent(event("OrderPlaced", 2)).build());
    assertThat(readAll(FeedRequests.getFromFeed("order"))).hasSize(2);
    orders.delete(AggregateDelete.deleteRequest().withAggregateId(deleted).build()).confirm();
    assertThat(readAll(FeedRequests.getFromFeed("order")))
        .extracting(FeedEntry::aggregateId)
        .containsExactly(kept);
    assertThat(feeds.execute(FeedRequests.listFeeds().build()).getFirst().aggregateCount())
        .isEqualTo(1);

    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    assertThat(entries("?from=" + today.minusDays(1) + "&to=" + today.plusDays(1))).isEqualTo(1);
    assertThat(entries("?to=" + today.minusDays(1))).isZero();
    assertThat(entries("?from=" + today.plusDays(1))).isZero();
  }

  private int entries(String query) throws Exception {
    HttpResponse<String> reply = factum.send("GET", "/serialized/feeds/order" + query, null, null);
    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
    return FactumUnderTest.JSON.readTree(reply.body()).get("entries").size();
  }

  @Test
  void aLongPollIsWokenByAnAppend() throws Exception {
    AggregateClient<Anything> orders = client("order");
    UUID id = UUID.randomUUID();
    orders.save(saveRequest().withAggregateId(id).withEvent(event("OrderPlaced", 1)).build());
    long head = feeds.execute(FeedRequests.getSequenceNumber().withFeed("order").build());
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      CompletableFuture<FeedResponse> poll =
          CompletableFuture.supplyAsync(
              () ->
                  feeds.execute(
                      FeedRequests.getFromFeed("order")
                          .withWaitTime(Duration.ofSeconds(30))
                          .build(),
                      head),
              thread);
      Await.until(
          "the long poll is parked", Duration.ofSeconds(10), () -> factum.store.headWaiters() > 0);
      long started = System.nanoTime();
      orders.save(appendRequest(1).withAggregateId(id).withEvent(event("OrderShipped", 2)).build());
      FeedResponse woken = poll.get(30, TimeUnit.SECONDS);
      assertThat(woken.entries()).hasSize(1);
      assertThat(woken.entries().getFirst().events().getFirst().eventType())
          .isEqualTo("OrderShipped");
      // Woken by the append, not by the 30 s timeout.
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
    } finally {
      thread.shutdownNow();
    }
  }

  @Test
  void partitionedReadersCoverEveryEntryExactlyOnce() {
    AggregateClient<Anything> orders = client("order");
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      ids.add(UUID.randomUUID());
      orders.save(
          saveRequest().withAggregateId(ids.get(i)).withEvent(event("OrderPlaced", i)).build());
    }
    for (int i = 0; i < 24; i += 3) {
      orders.save(
          appendRequest(1).withAggregateId(ids.get(i)).withEvent(event("OrderShipped", i)).build());
    }
    List<FeedEntry> whole = readAll(FeedRequests.getFromFeed("order"));
    assertThat(whole).hasSize(32);
    Set<Long> seen = new HashSet<>();
    Map<UUID, Integer> partitionOf = new HashMap<>();
    int partitions = 3;
    for (int p = 0; p < partitions; p++) {
      for (FeedEntry entry :
          readAll(FeedRequests.getFromFeed("order").withPartitioning(partitions, p).withLimit(4))) {
        assertThat(seen.add(entry.sequenceNumber())).as("entry in one partition only").isTrue();
        Integer before = partitionOf.put(entry.aggregateId(), p);
        assertThat(before == null || before == p)
            .as("an aggregate stays in its partition")
            .isTrue();
      }
    }
    assertThat(seen)
        .containsExactlyInAnyOrderElementsOf(
            whole.stream().map(FeedEntry::sequenceNumber).toList());
    assertThat(new HashSet<>(partitionOf.values())).hasSize(partitions);
  }
}
