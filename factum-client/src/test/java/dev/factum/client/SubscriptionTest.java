package dev.factum.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.AppendResult;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LogFilter;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StoreClosedException;
import dev.factum.api.StreamDeletedException;
import dev.factum.api.Subscription;
import dev.factum.api.SubscriptionListener;
import dev.factum.api.SubscriptionRequest;
import dev.factum.engine.StoreOptions;
import dev.factum.server.ServerConfig;
import dev.factum.tck.Await;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Subscriptions over Server-Sent Events: catch-up then live, exactly once and in order, across
 * connections cut by a proxy, a connection gone silent, and a server restart, while appends go on.
 */
class SubscriptionTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final ServerConfig QUICK_HEARTBEAT =
      ServerConfig.DEFAULT.withHeartbeat(Duration.ofMillis(200));

  @TempDir Path directory;
  ServerFixture server;
  TcpProxy proxy;
  final List<FactumClient> clients = new ArrayList<>();

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    clients.forEach(FactumClient::close);
  }

  /**
   * A server whose heartbeat notices a closed subscriber quickly. Tests wait for the server's
   * sessions to end after closing subscriptions, since a connection closed by its client while the
   * server stops makes the JDK server wait out its whole grace period.
   */
  private ServerFixture start() throws IOException {
    return ServerFixture.start(directory, StoreOptions.DEFAULT, QUICK_HEARTBEAT);
  }

  private void awaitNoSessions() {
    Await.until(
        "the server's sessions to end", WAIT, () -> server.metric("factum_sse_sessions ") == 0);
  }

  private FactumClient client(FactumClient.Builder builder) {
    FactumClient client = builder.build();
    clients.add(client);
    return client;
  }

  /** Everything a listener is told, in order. */
  static class Recorder implements SubscriptionListener {
    final List<RecordedEvent> events = new CopyOnWriteArrayList<>();
    final AtomicInteger caughtUp = new AtomicInteger();
    final List<Throwable> closes = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch closed = new CountDownLatch(1);
    final Set<Thread> threads = ConcurrentHashMap.newKeySet();

    @Override
    public void onEvent(RecordedEvent event) throws Exception {
      threads.add(Thread.currentThread());
      events.add(event);
    }

    @Override
    public void onCaughtUp() {
      caughtUp.incrementAndGet();
    }

    @Override
    public void onClose(Throwable cause) {
      closes.add(cause);
      closed.countDown();
    }

    void awaitEvents(int count) {
      Await.until(
          count + " events (have " + events.size() + ")", WAIT, () -> events.size() >= count);
    }

    void awaitClose() throws InterruptedException {
      assertThat(closed.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("onClose").isTrue();
    }

    List<Long> positions() {
      return events.stream().map(RecordedEvent::position).toList();
    }
  }

  private static List<EventData> events(String type, int count) {
    List<EventData> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(EventData.json(type, "{\"i\":" + i + "}"));
    }
    return events;
  }

  private static List<Long> range(long from, long to) {
    List<Long> values = new ArrayList<>();
    for (long v = from; v < to; v++) {
      values.add(v);
    }
    return values;
  }

  @Test
  void catchesUpThenFollowsLiveEachEventOnceInOrder() throws Exception {
    server = start();
    FactumClient client = client(server.client());
    for (int i = 0; i < 20; i++) {
      client.append(
          (i % 2 == 0 ? "order-" : "user-") + i % 3, ExpectedRevision.any(), events("Pre", 2));
    }
    Recorder all = new Recorder();
    Recorder orders = new Recorder();
    try (Subscription feed = client.subscribe(SubscriptionRequest.toAll(), all);
        Subscription orderFeed =
            client.subscribe(SubscriptionRequest.toCategory("order"), orders)) {
      Await.until("caught up", WAIT, () -> all.caughtUp.get() == 1 && orders.caughtUp.get() == 1);
      for (int i = 0; i < 20; i++) {
        client.append(
            (i % 2 == 0 ? "order-" : "user-") + i % 3, ExpectedRevision.any(), events("Live", 2));
      }
      all.awaitEvents(80);
      assertThat(all.positions()).isEqualTo(range(0, 80));
      assertThat(all.events)
          .isEqualTo(server.store.readAll(0, Direction.FORWARD, 1000, LogFilter.none()).events());
      orders.awaitEvents(40);
      assertThat(orders.events)
          .isEqualTo(
              server
                  .store
                  .readAll(0, Direction.FORWARD, 1000, LogFilter.categories("order"))
                  .events());
      Await.until("the feed to move past 79", WAIT, () -> feed.nextPosition() == 80);
      assertThat(orderFeed.isClosed()).isFalse();
      assertThat(all.caughtUp).hasValue(1);
      assertThat(all.threads).hasSize(1);
    }
    all.awaitClose();
    assertThat(all.closes).containsExactly((Throwable) null);
    awaitNoSessions();
  }

  @Test
  void resumesAfterDroppedConnectionsWhileAppendsGoOn() throws Exception {
    server = start();
    proxy = new TcpProxy(server.port());
    FactumClient writer = client(server.client());
    FactumClient reader = client(ServerFixture.client(proxy.uri()));
    Recorder all = new Recorder();
    Recorder orders = new Recorder();
    Subscription feed = reader.subscribe(SubscriptionRequest.toAll(), all);
    Subscription orderFeed = reader.subscribe(SubscriptionRequest.toCategory("order"), orders);

    int drops = 5;
    ExecutorService appenders = Executors.newFixedThreadPool(4);
    try {
      for (int phase = 0; phase < drops; phase++) {
        int before = all.events.size();
        CountDownLatch dropped = new CountDownLatch(1);
        List<Future<?>> work = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
          int writerId = w;
          work.add(
              appenders.submit(
                  () -> {
                    for (int i = 0; i < 20; i++) {
                      if (i == 10) {
                        dropped.await(); // the second half is appended across the drop
                      }
                      String stream = (writerId % 2 == 0 ? "order-" : "user-") + (writerId + i) % 3;
                      writer.append(stream, ExpectedRevision.any(), events("E", 1 + i % 3));
                    }
                    return null;
                  }));
        }
        int connected = 2 * (phase + 1); // both feeds are on connections opened since the last drop
        Await.until(
            "deliveries in phase " + phase,
            WAIT,
            () -> proxy.connections() >= connected && all.events.size() > before);
        proxy.dropConnections();
        dropped.countDown();
        for (Future<?> done : work) {
          done.get();
        }
      }
    } finally {
      appenders.shutdownNow();
    }
    long total = server.store.headPosition() + 1;
    all.awaitEvents((int) total);
    assertThat(all.positions()).isEqualTo(range(0, total));
    assertThat(all.events)
        .isEqualTo(server.store.readAll(0, Direction.FORWARD, 10_000, LogFilter.none()).events());
    List<RecordedEvent> expectedOrders =
        server.store.readAll(0, Direction.FORWARD, 10_000, LogFilter.categories("order")).events();
    orders.awaitEvents(expectedOrders.size());
    assertThat(orders.events).isEqualTo(expectedOrders);
    assertThat(all.caughtUp).hasValue(1);
    Await.until(
        "both feeds reconnected after every drop",
        WAIT,
        () -> proxy.connections() >= 2 * (drops + 1));
    feed.close();
    orderFeed.close();
    all.awaitClose();
    orders.awaitClose();
    assertThat(all.closes).containsExactly((Throwable) null);
    awaitNoSessions();
  }

  @Test
  void aStreamSubscriptionResumesAfterItsLastRevision() throws Exception {
    server = start();
    proxy = new TcpProxy(server.port());
    FactumClient writer = client(server.client());
    FactumClient reader = client(ServerFixture.client(proxy.uri()));
    writer.append("acct-1", ExpectedRevision.noStream(), events("Opened", 3));
    Recorder account = new Recorder();
    try (Subscription feed =
        reader.subscribe(SubscriptionRequest.toStream("acct-1").from(1), account)) {
      for (int round = 0; round < 4; round++) {
        int before = account.events.size();
        for (int i = 0; i < 10; i++) {
          writer.append("noise-" + i % 2, ExpectedRevision.any(), events("Noise", 2));
          writer.append("acct-1", ExpectedRevision.any(), events("Moved", 1 + i % 2));
        }
        int connected = round + 1; // the feed is on a connection opened since the last drop
        Await.until(
            "progress in round " + round,
            WAIT,
            () -> proxy.connections() >= connected && account.events.size() > before);
        proxy.dropConnections();
      }
      long last = server.store.streamState("acct-1").lastRevision();
      account.awaitEvents((int) last);
      assertThat(account.events).extracting(RecordedEvent::revision).isEqualTo(range(1, last + 1));
      assertThat(account.events).extracting(RecordedEvent::stream).containsOnly("acct-1");
      assertThat(account.events)
          .isEqualTo(server.store.readStream("acct-1", 1, Direction.FORWARD, 1000).events());
      Await.until("the feed to move past " + last, WAIT, () -> feed.nextPosition() == last + 1);
      Await.until("a reconnection after the last drop", WAIT, () -> proxy.connections() >= 5);
    }
    awaitNoSessions();
  }

  @Test
  void resumesAcrossAServerRestartOnTheSamePortAndDirectory() throws Exception {
    server = start();
    FactumClient writer =
        client(
            server
                .client()
                .retryPolicy(new RetryPolicy(200, Duration.ofMillis(10), Duration.ofMillis(100))));
    FactumClient reader = client(server.client());
    Recorder all = new Recorder();
    Subscription feed = reader.subscribe(SubscriptionRequest.toAll(), all);

    AtomicBoolean appending = new AtomicBoolean(true);
    AtomicLong appended = new AtomicLong();
    List<AppendResult> results = new CopyOnWriteArrayList<>();
    ExecutorService appender = Executors.newSingleThreadExecutor();
    Future<?> work =
        appender.submit(
            () -> {
              for (int i = 0; appending.get() || i < 200; i++) {
                results.add(writer.append("log-" + i % 4, ExpectedRevision.any(), events("E", 2)));
                appended.addAndGet(2);
              }
              return null;
            });
    try {
      Await.until("deliveries before the restart", WAIT, () -> all.events.size() >= 40);
      server.restart();
      long afterRestart = appended.get();
      Await.until(
          "deliveries after the restart", WAIT, () -> all.events.size() >= afterRestart + 40);
      appending.set(false);
      work.get();
    } finally {
      appender.shutdownNow();
    }
    long total = server.store.headPosition() + 1;
    assertThat(total).as("every append exactly once, retries included").isEqualTo(appended.get());
    assertThat(results.stream().map(AppendResult::firstPosition).distinct().count())
        .isEqualTo(results.size());
    all.awaitEvents((int) total);
    assertThat(all.positions()).isEqualTo(range(0, total));
    assertThat(all.events)
        .isEqualTo(server.store.readAll(0, Direction.FORWARD, 10_000, LogFilter.none()).events());
    feed.close();
    awaitNoSessions();
  }

  @Test
  void aSilentConnectionIsTakenForDeadAndReplaced() throws Exception {
    server = start();
    proxy = new TcpProxy(server.port());
    FactumClient writer = client(server.client());
    FactumClient reader =
        client(ServerFixture.client(proxy.uri()).subscriptionIdleTimeout(Duration.ofMillis(1000)));
    Recorder all = new Recorder();
    try (Subscription feed = reader.subscribe(SubscriptionRequest.toAll(), all)) {
      writer.append("s-1", ExpectedRevision.any(), events("Before", 5));
      all.awaitEvents(5);
      proxy.silenceConnections(); // open, but nothing gets through: not even heartbeats
      writer.append("s-1", ExpectedRevision.any(), events("After", 5));
      all.awaitEvents(10);
      assertThat(all.positions()).isEqualTo(range(0, 10));
      Await.until("the feed to move past 9", WAIT, () -> feed.nextPosition() == 10);
      assertThat(proxy.connections()).isEqualTo(2);
    }
    awaitNoSessions();
  }

  @Test
  void anErrorEventEndsTheSubscriptionWithTheStoresException() throws Exception {
    server = start();
    FactumClient client = client(server.client());
    client.append("doomed-1", ExpectedRevision.noStream(), events("E", 2));
    Recorder doomed = new Recorder();
    Subscription feed = client.subscribe(SubscriptionRequest.toStream("doomed-1"), doomed);
    doomed.awaitEvents(2);
    client.tombstone("doomed-1", ExpectedRevision.any());

    doomed.awaitClose();
    assertThat(doomed.closes).hasSize(1);
    assertThat(doomed.closes.getFirst())
        .isInstanceOfSatisfying(
            StreamDeletedException.class, e -> assertThat(e.stream()).isEqualTo("doomed-1"));
    assertThat(feed.isClosed()).isTrue();
    // It did not reconnect: one event stream was ever opened, and none is open now.
    awaitNoSessions();
    Await.until(
        "the one stream request counted", WAIT, () -> server.requests("stream_events", 200) == 1);
  }

  @Test
  void aSubscriptionToATombstonedStreamThrowsTheTypedErrorAndNeverReconnects() throws Exception {
    server = start();
    FactumClient client = client(server.client());
    client.append("gone-1", ExpectedRevision.noStream(), events("E", 1));
    client.tombstone("gone-1", ExpectedRevision.any());
    Recorder never = new Recorder();
    assertThatThrownBy(() -> client.subscribe(SubscriptionRequest.toStream("gone-1"), never))
        .isInstanceOfSatisfying(
            StreamDeletedException.class, e -> assertThat(e.stream()).isEqualTo("gone-1"));
    assertThatThrownBy(
            () -> client.subscribe(SubscriptionRequest.toStream("gone-1").from(0), never))
        .isInstanceOf(StreamDeletedException.class);
    assertThat(never.closes).isEmpty();
    assertThat(server.requests("stream_events", 200)).isZero();
    assertThat(server.requests("stream_events", 410)).isEqualTo(2);
  }

  @Test
  void aRefusedSubscriptionThrowsFromSubscribe() throws Exception {
    server = start();
    FactumClient client = client(server.client());
    Recorder never = new Recorder();
    assertThatThrownBy(() -> client.subscribe(SubscriptionRequest.toStream("$system"), never))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(
            () ->
                client.subscribe(
                    SubscriptionRequest.toAll(LogFilter.categories("bad\u0001value")), never))
        .isInstanceOf(InvalidArgumentException.class);
    server.store.close();
    assertThatThrownBy(() -> client.subscribe(SubscriptionRequest.toAll(), never))
        .isInstanceOf(StoreClosedException.class);
    assertThat(never.closes).isEmpty();
    assertThat(never.events).isEmpty();
  }

  @Test
  void closingStopsDeliveriesAndEndsTheServersSession() throws Exception {
    server = start();
    FactumClient client = client(server.client());
    client.append("s-1", ExpectedRevision.any(), events("E", 5));

    // A listener that closes its own subscription from inside onEvent.
    AtomicInteger seen = new AtomicInteger();
    CompletableFuture<Subscription> self = new CompletableFuture<>();
    CountDownLatch selfClosed = new CountDownLatch(1);
    List<Throwable> selfCause = new CopyOnWriteArrayList<>();
    SubscriptionListener closesItself =
        new SubscriptionListener() {
          @Override
          public void onEvent(RecordedEvent event) {
            if (seen.incrementAndGet() == 3) {
              self.join().close(); // subscribe may not have returned yet
            }
          }

          @Override
          public void onClose(Throwable cause) {
            if (cause != null) {
              selfCause.add(cause);
            }
            selfClosed.countDown();
          }
        };
    self.complete(client.subscribe(SubscriptionRequest.toAll(), closesItself));

    Recorder closed = new Recorder();
    Subscription feed = client.subscribe(SubscriptionRequest.toAll(), closed);
    closed.awaitEvents(5);
    feed.close();
    feed.close(); // idempotent
    closed.awaitClose();
    assertThat(feed.isClosed()).isTrue();
    assertThat(closed.closes).containsExactly((Throwable) null);

    assertThat(selfClosed.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    assertThat(seen).hasValue(3);
    assertThat(selfCause).isEmpty();

    awaitNoSessions();
    Recorder control = new Recorder();
    try (Subscription open = client.subscribe(SubscriptionRequest.toAll().from(5), control)) {
      client.append("s-1", ExpectedRevision.any(), events("Later", 1));
      control.awaitEvents(1);
      Await.until("the control feed to move past 5", WAIT, () -> open.nextPosition() == 6);
    }
    assertThat(closed.events).hasSize(5);
    awaitNoSessions();
  }

  @Test
  void fromEndDeliversOnlyWhatIsAppendedAfterwards() throws Exception {
    server = start();
    FactumClient client = client(server.client());
    client.append("s-1", ExpectedRevision.any(), events("Old", 3));
    client.append("t-1", ExpectedRevision.any(), events("Old", 2));
    Recorder log = new Recorder();
    Recorder stream = new Recorder();
    Recorder fresh = new Recorder();
    try (Subscription a = client.subscribe(SubscriptionRequest.toAll().fromEnd(), log);
        Subscription b = client.subscribe(SubscriptionRequest.toStream("s-1").fromEnd(), stream);
        Subscription c = client.subscribe(SubscriptionRequest.toStream("new-1").fromEnd(), fresh)) {
      Await.until(
          "caught up",
          WAIT,
          () -> log.caughtUp.get() + stream.caughtUp.get() + fresh.caughtUp.get() == 3);
      client.append("s-1", ExpectedRevision.any(), events("New", 1));
      client.append("new-1", ExpectedRevision.any(), events("New", 1));
      log.awaitEvents(2);
      stream.awaitEvents(1);
      fresh.awaitEvents(1);
      assertThat(log.positions()).containsExactly(5L, 6L);
      assertThat(stream.events).extracting(RecordedEvent::revision).containsExactly(3L);
      assertThat(fresh.events).extracting(RecordedEvent::revision).containsExactly(0L);
      Await.until(
          "the feeds to move on",
          WAIT,
          () -> a.nextPosition() == 7 && b.nextPosition() == 4 && c.nextPosition() == 1);
    }
    awaitNoSessions();
  }

  @Test
  void aFailingListenerEndsItsSubscriptionWithItsException() throws Exception {
    server = start();
    FactumClient client = client(server.client());
    client.append("s-1", ExpectedRevision.any(), events("E", 3));
    IllegalStateException boom = new IllegalStateException("listener failed");
    Recorder recorder =
        new Recorder() {
          @Override
          public void onEvent(RecordedEvent event) throws Exception {
            super.onEvent(event);
            if (event.revision() == 1) {
              throw boom;
            }
          }
        };
    Subscription feed = client.subscribe(SubscriptionRequest.toStream("s-1"), recorder);
    recorder.awaitClose();
    assertThat(recorder.closes).containsExactly(boom);
    assertThat(recorder.events).hasSize(2);
    assertThat(feed.isClosed()).isTrue();
    awaitNoSessions();
  }

  @Test
  void closingTheClientEndsItsSubscriptionsWithStoreClosed() throws Exception {
    server = start();
    FactumClient client = client(server.client());
    Recorder recorder = new Recorder();
    client.subscribe(SubscriptionRequest.toAll(), recorder);
    Await.until("caught up", WAIT, () -> recorder.caughtUp.get() == 1);
    server.close(); // first, so the client's closing connections cannot slow its stop
    client.close();
    recorder.awaitClose();
    assertThat(recorder.closes).hasSize(1);
    assertThat(recorder.closes.getFirst()).isInstanceOf(StoreClosedException.class);
  }
}
