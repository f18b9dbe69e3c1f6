package dev.factum.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.AppendRequest;
import dev.factum.api.AppendResult;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.EventStore;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LimitExceededException;
import dev.factum.api.LogFilter;
import dev.factum.api.MultiAppendResult;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StoreClosedException;
import dev.factum.api.StreamDeletedException;
import dev.factum.api.StreamInfo;
import dev.factum.api.StreamNotFoundException;
import dev.factum.api.StreamPage;
import dev.factum.api.StreamQuery;
import dev.factum.api.StreamState;
import dev.factum.api.Subscription;
import dev.factum.api.SubscriptionListener;
import dev.factum.api.SubscriptionRequest;
import dev.factum.api.WrongExpectedRevisionException;
import dev.factum.tck.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client is the embedded store over HTTP: every operation, compared result for result with the
 * embedded store the server runs on.
 */
class FactumClientTest {
  @TempDir Path directory;
  ServerFixture server;
  FactumClient client;

  @BeforeEach
  void start() throws Exception {
    server = ServerFixture.start(directory);
    client = server.client().build();
  }

  @AfterEach
  void stop() {
    server.close(); // before the client: see ServerFixture
    client.close();
  }

  private static EventData event(String type, String json) {
    return EventData.json(type, json);
  }

  @Test
  void listsStreamsAsTheEmbeddedStoreDoes() {
    for (String stream : List.of("order-1", "order-2", "orders-1", "cart", "order")) {
      client.append(stream, ExpectedRevision.any(), List.of(event("T", "{}")));
    }
    client.tombstone("order-2", ExpectedRevision.any());
    StreamQuery query = StreamQuery.all(2).withCategory("order");
    StreamPage first = client.listStreams(query);
    assertThat(first).isEqualTo(server.store.listStreams(query));
    assertThat(first.next()).isEqualTo("order-1");
    StreamPage second = client.listStreams(query.after(first.next()));
    assertThat(second).isEqualTo(server.store.listStreams(query.after(first.next())));
    assertThat(second.streams())
        .containsExactly(new StreamInfo("order-2", StreamState.Status.TOMBSTONED, 0, 1, 0));
    assertThat(second.next()).isNull();
    assertThatThrownBy(() -> client.listStreams(StreamQuery.all(1_000_000)))
        .isInstanceOf(LimitExceededException.class);
  }

  @Test
  void appendReadAndConflictAsTheEmbeddedStoreDoes() {
    AppendResult placed =
        client.append(
            "order-1",
            ExpectedRevision.noStream(),
            List.of(event("OrderPlaced", "{\"total\":42}"), event("OrderPriced", "{}")));
    assertThat(placed).isEqualTo(new AppendResult("order-1", 0, 1, 0, 1));

    AppendResult paid =
        client.append(
            "order-1",
            ExpectedRevision.exact(placed.nextExpectedRevision()),
            List.of(event("OrderPaid", "{\"amount\":42}")));
    assertThat(paid).isEqualTo(new AppendResult("order-1", 2, 2, 2, 2));

    assertThatThrownBy(
            () ->
                client.append(
                    "order-1", ExpectedRevision.exact(0), List.of(event("OrderCancelled", "{}"))))
        .isInstanceOfSatisfying(
            WrongExpectedRevisionException.class,
            conflict -> {
              assertThat(conflict.stream()).isEqualTo("order-1");
              assertThat(conflict.expected()).isEqualTo(ExpectedRevision.exact(0));
              assertThat(conflict.actualRevision()).isEqualTo(2);
            });

    ReadPage page = client.readStream("order-1", 0, Direction.FORWARD, 100);
    assertThat(page).isEqualTo(server.store.readStream("order-1", 0, Direction.FORWARD, 100));
    assertThat(page.events())
        .extracting(RecordedEvent::type)
        .containsExactly("OrderPlaced", "OrderPriced", "OrderPaid");
    assertThat(page.events().getFirst().dataAsString()).isEqualTo("{\"total\":42}");
  }

  @Test
  void everyReadReturnsTheEmbeddedStoresPageExactly() {
    for (int i = 0; i < 12; i++) {
      String stream = (i % 3 == 0 ? "order-" : "user-") + (i % 4);
      client.append(
          stream,
          ExpectedRevision.any(),
          List.of(
              event(i % 2 == 0 ? "Even" : "Odd", "{\"i\":" + i + "}")
                  .withTags(i % 5 == 0 ? Set.of("five", "all") : Set.of("all")),
              event("Second", "[" + i + ",1.50]")));
    }
    client.delete("user-1", ExpectedRevision.any());
    client.append("user-1", ExpectedRevision.noStream(), List.of(event("Recreated", "{}")));

    EventStore embedded = server.store;
    List<String> streams = List.of("order-0", "user-1", "user-2", "order-3");
    long[] froms = {0, 1, 2, 3, 5, 7, 50, EventStore.END};
    int[] limits = {1, 2, 3, 100};
    for (String stream : streams) {
      for (long from : froms) {
        for (int limit : limits) {
          for (Direction direction : Direction.values()) {
            assertThat(client.readStream(stream, from, direction, limit))
                .as("%s from %d %s limit %d", stream, from, direction, limit)
                .isEqualTo(embedded.readStream(stream, from, direction, limit));
          }
        }
      }
    }
    List<LogFilter> filters =
        List.of(
            LogFilter.none(),
            LogFilter.categories("order"),
            LogFilter.categories("order", "user"),
            LogFilter.types("Odd", "Recreated"),
            LogFilter.tags("five"),
            LogFilter.tags("nothing-has-this"));
    long[] positions = {0, 1, 4, 11, 24, 25, 26, 1000, EventStore.END};
    for (LogFilter filter : filters) {
      for (long from : positions) {
        for (int limit : limits) {
          for (Direction direction : Direction.values()) {
            assertThat(client.readAll(from, direction, limit, filter))
                .as("log %s from %d %s limit %d", filter, from, direction, limit)
                .isEqualTo(embedded.readAll(from, direction, limit, filter));
          }
        }
      }
    }
  }

  @Test
  void eventContentRoundTripsByteForByte() {
    byte[] binary = new byte[256];
    for (int i = 0; i < binary.length; i++) {
      binary[i] = (byte) i;
    }
    // Spellings a parse and re-serialize would change: -0, -0.0, 1e2, 1.0, 1E+2, white space,
    // escapes.
    String json =
        "{\"big\":123456789012345678901234567890,\"exact\":1.50,\"tiny\":1E-400,"
            + "\"text\":\"é ☃ \\u0001 \\\"q\\\"\",\"nested\":[{\"a\":null},true,false,-0],"
            + " \"more\" : [ -0.0, 1e2, 1.0, 1E+2, 1e400 ], \"esc\":\"\\u00e9\\/\\ud83d\\ude00\","
            + " \"inner\":{\"data\":-0,\"metadata\":{\"data\":1e2}}}";
    UUID id = UUID.randomUUID();
    List<EventData> events =
        List.of(
            new EventData(
                id,
                "Json",
                EventData.JSON,
                json.getBytes(StandardCharsets.UTF_8),
                "{\"by\":\"ü\",\"n\":2.0}".getBytes(StandardCharsets.UTF_8),
                Set.of("t1", "tag with space", "ünï")),
            new EventData(null, "Binary", EventData.BINARY, binary, null, Set.of()),
            event("Scalar", "\"just a string\""),
            event("Null", "null"),
            event("Emoji", "{\"smile\":\"😀\"}"));
    String stream = "weird name/with %2F, dots.. & ünïcode 😀";
    client.append(stream, ExpectedRevision.noStream(), events);

    List<RecordedEvent> overHttp = client.readStream(stream, 0, Direction.FORWARD, 10).events();
    assertThat(overHttp).hasSize(5);
    List<RecordedEvent> embedded =
        server.store.readStream(stream, 0, Direction.FORWARD, 10).events();
    assertThat(overHttp).isEqualTo(embedded);
    assertThat(overHttp.getFirst().id()).isEqualTo(id);
    // Byte for byte: the bytes given to append are the bytes read back, over HTTP and embedded.
    assertThat(overHttp.getFirst().data()).isEqualTo(json.getBytes(StandardCharsets.UTF_8));
    assertThat(embedded.getFirst().data()).isEqualTo(json.getBytes(StandardCharsets.UTF_8));
    assertThat(overHttp.getFirst().metadata())
        .isEqualTo("{\"by\":\"ü\",\"n\":2.0}".getBytes(StandardCharsets.UTF_8));
    assertThat(overHttp.get(1).data()).isEqualTo(binary);
    assertThat(overHttp.get(1).metadata()).isNull();
    assertThat(overHttp.getFirst().tags()).containsExactlyInAnyOrder("t1", "tag with space", "ünï");
    assertThat(overHttp.get(2).dataAsString()).isEqualTo("\"just a string\"");
    assertThat(overHttp.get(3).dataAsString()).isEqualTo("null");
    assertThat(client.streamState(stream))
        .isEqualTo(new StreamState(stream, StreamState.Status.ACTIVE, 4));

    // The same bytes through a subscription (SSE frames) and through the global log.
    List<RecordedEvent> fed = new CopyOnWriteArrayList<>();
    Subscription feed =
        client.subscribe(SubscriptionRequest.toStream(stream), (SubscriptionListener) fed::add);
    try {
      Await.until("the feed to deliver the stream", Duration.ofSeconds(30), () -> fed.size() == 5);
    } finally {
      feed.close();
    }
    assertThat(fed).isEqualTo(embedded);
    assertThat(client.readAll(0, Direction.FORWARD, 10, LogFilter.none()).events())
        .isEqualTo(embedded);
  }

  @Test
  void dataThatIsNotExactlyOneJsonValueIsRefusedBeforeSending() {
    for (String bad :
        List.of(
            "{oops",
            "",
            "1 2",
            "1, \"tags\": [\"smuggled\"]",
            "\"\\ud800\"",
            "{\"a\":\"\\udc00\"}",
            "\uFEFF{}",
            "{\"a\":1,\"a\":2}")) {
      assertThatThrownBy(
              () -> client.append("s-1", ExpectedRevision.any(), List.of(event("T", bad))))
          .as("data %s", bad)
          .isInstanceOf(InvalidArgumentException.class);
    }
    assertThatThrownBy(
            () ->
                client.append(
                    "s-1",
                    ExpectedRevision.any(),
                    List.of(event("T", "{}").withMetadata("not json".getBytes(UTF_8)))))
        .isInstanceOf(InvalidArgumentException.class);
    for (byte[] raw :
        List.of(
            new byte[] {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'},
            new byte[] {'"', (byte) 0xC0, (byte) 0xAF, '"'})) {
      assertThatThrownBy(
              () -> client.append("s-1", ExpectedRevision.any(), List.of(EventData.json("T", raw))))
          .isInstanceOf(InvalidArgumentException.class);
    }
    assertThatThrownBy(() -> client.append(null, ExpectedRevision.any(), List.of(event("T", "1"))))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> client.readStream("", 0, Direction.FORWARD, 1))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> client.readStream("bad\uD800", 0, Direction.FORWARD, 1))
        .isInstanceOf(InvalidArgumentException.class);
    assertThat(server.store.headPosition()).isEqualTo(-1);
  }

  @Test
  void streamStateDeleteTombstoneAndHeadPosition() {
    assertThat(client.headPosition()).isEqualTo(-1);
    assertThat(client.streamState("a-1"))
        .isEqualTo(new StreamState("a-1", StreamState.Status.NONE, StreamState.NO_REVISION));
    client.append("a-1", ExpectedRevision.noStream(), List.of(event("A", "{}"), event("B", "{}")));
    client.append("b-1", ExpectedRevision.noStream(), List.of(event("A", "{}")));
    assertThat(client.headPosition()).isEqualTo(2);

    assertThat(client.delete("a-1", ExpectedRevision.exact(1)))
        .isEqualTo(new StreamState("a-1", StreamState.Status.DELETED, 1));
    assertThat(client.streamState("a-1")).isEqualTo(server.store.streamState("a-1"));
    assertThatThrownBy(() -> client.readStream("a-1", 0, Direction.FORWARD, 10))
        .isInstanceOfSatisfying(
            StreamNotFoundException.class, e -> assertThat(e.stream()).isEqualTo("a-1"));
    AppendResult recreated =
        client.append("a-1", ExpectedRevision.noStream(), List.of(event("C", "{}")));
    assertThat(recreated.firstRevision()).isEqualTo(2);

    assertThat(client.tombstone("b-1", ExpectedRevision.any()))
        .isEqualTo(new StreamState("b-1", StreamState.Status.TOMBSTONED, 0));
    assertThatThrownBy(() -> client.readStream("b-1", 0, Direction.FORWARD, 10))
        .isInstanceOfSatisfying(
            StreamDeletedException.class, e -> assertThat(e.stream()).isEqualTo("b-1"));
    assertThatThrownBy(
            () -> client.append("b-1", ExpectedRevision.any(), List.of(event("D", "{}"))))
        .isInstanceOf(StreamDeletedException.class);
    assertThatThrownBy(() -> client.delete("never-1", ExpectedRevision.any()))
        .isInstanceOf(StreamNotFoundException.class);
    assertThat(client.headPosition()).isEqualTo(server.store.headPosition());
  }

  @Test
  void appendAllIsAtomicAndReportsTheConflictingStream() {
    MultiAppendResult both =
        client.appendAll(
            List.of(
                AppendRequest.of("x-1", ExpectedRevision.noStream(), event("A", "{}")),
                AppendRequest.of(
                    "y-1", ExpectedRevision.noStream(), event("B", "{}"), event("C", "{}"))));
    assertThat(both.results())
        .containsExactly(new AppendResult("x-1", 0, 0, 0, 0), new AppendResult("y-1", 0, 1, 1, 2));

    assertThatThrownBy(
            () ->
                client.appendAll(
                    List.of(
                        AppendRequest.of("x-1", ExpectedRevision.exact(0), event("D", "{}")),
                        AppendRequest.of("y-1", ExpectedRevision.exact(0), event("E", "{}")))))
        .isInstanceOfSatisfying(
            WrongExpectedRevisionException.class,
            conflict -> {
              assertThat(conflict.stream()).isEqualTo("y-1");
              assertThat(conflict.actualRevision()).isEqualTo(1);
            });
    assertThat(server.store.headPosition()).isEqualTo(2);

    client.tombstone("x-1", ExpectedRevision.any());
    assertThatThrownBy(
            () ->
                client.appendAll(
                    List.of(
                        AppendRequest.of("y-1", ExpectedRevision.any(), event("F", "{}")),
                        AppendRequest.of("x-1", ExpectedRevision.any(), event("G", "{}")))))
        .isInstanceOfSatisfying(
            StreamDeletedException.class, e -> assertThat(e.stream()).isEqualTo("x-1"));
  }

  @Test
  void concurrentAsyncAppendsGetDenseDistinctPositions() {
    List<CompletableFuture<AppendResult>> futures = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      futures.add(
          client.appendAsync(
              AppendRequest.of("c-" + (i % 7), ExpectedRevision.any(), event("E", "{}"))));
    }
    List<Long> positions = futures.stream().map(f -> f.join().firstPosition()).sorted().toList();
    List<Long> expected = new ArrayList<>();
    for (long p = 0; p < 200; p++) {
      expected.add(p);
    }
    assertThat(positions).isEqualTo(expected);
  }

  @Test
  void aClosedClientRefusesEveryCall() {
    client.close();
    client.close(); // idempotent
    assertThatThrownBy(
            () -> client.append("s-1", ExpectedRevision.any(), List.of(event("T", "{}"))))
        .isInstanceOf(StoreClosedException.class);
    assertThatThrownBy(() -> client.headPosition()).isInstanceOf(StoreClosedException.class);
    assertThatThrownBy(() -> client.subscribe(SubscriptionRequest.toAll(), e -> {}))
        .isInstanceOf(StoreClosedException.class);
  }
}
