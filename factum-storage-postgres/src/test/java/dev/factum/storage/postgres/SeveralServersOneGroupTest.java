package dev.factum.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.AppendRequest;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.FactumException;
import dev.factum.api.GroupNotFoundException;
import dev.factum.api.LogFilter;
import dev.factum.api.RecordedEvent;
import dev.factum.api.groups.Delivery;
import dev.factum.api.groups.GroupDefinition;
import dev.factum.api.groups.GroupSettings;
import dev.factum.api.groups.GroupSource;
import dev.factum.engine.FactumStore;
import dev.factum.engine.StoreOptions;
import dev.factum.tck.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One consumer group run by three servers (stores) on one database, consumers on each
 * (docs/CONSUMERS.md, "Several servers on one PostgreSQL"): definitions made on one are seen by the
 * others; the partitions are shared as servers' consumers join, and while they move every rule
 * holds: per-stream order, never two deliveries of one stream in flight at once, every input
 * handled, one output per input.
 */
class SeveralServersOneGroupTest {
  static final Duration LEASE = Duration.ofSeconds(2);
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int STREAMS = 48;
  private static final int PER_STREAM = 40;

  private PostgresFixture fixture;
  private final List<FactumStore> stores = new ArrayList<>();

  @BeforeEach
  void open() {
    fixture = new PostgresFixture();
    for (int i = 0; i < 3; i++) {
      stores.add(fixture.open(StoreOptions.DEFAULT.withGroupLease(LEASE)));
    }
  }

  @AfterEach
  void close() {
    try {
      assertThat(stores.getFirst().verify().ok()).isTrue();
    } finally {
      stores.forEach(FactumStore::close);
    }
  }

  /** Whether the output of {@code input} (at its revision in {@code out-K}) is committed. */
  private static boolean outputCommitted(FactumStore store, Delivery input) {
    String out = "out-" + input.event().stream().substring(3);
    try {
      List<RecordedEvent> events =
          store.readStream(out, input.event().revision(), Direction.FORWARD, 1).events();
      return !events.isEmpty()
          && new String(events.getFirst().data(), StandardCharsets.UTF_8)
              .startsWith("{\"in\":" + input.position() + ",");
    } catch (FactumException none) {
      return false; // no output stream yet
    }
  }

  @Test
  void aGroupCreatedChangedOrDeletedOnOneServerIsSeenByTheOthers() {
    FactumStore a = stores.get(0);
    FactumStore b = stores.get(1);
    a.consumerGroups().create(GroupDefinition.of("g", GroupSource.all()));
    Await.until("b to know the group", WAIT, () -> knows(b));
    a.consumerGroups().update("g", GroupSettings.DEFAULT.withMaxInFlight(7));
    Await.until(
        "b to see the new settings",
        WAIT,
        () -> b.consumerGroups().status("g").definition().settings().maxInFlight() == 7);
    a.consumerGroups().delete("g");
    Await.until("b to forget the group", WAIT, () -> !knows(b));
    assertThatThrownBy(() -> b.consumerGroups().poll("g", "c", 1, Duration.ZERO))
        .isInstanceOf(GroupNotFoundException.class);
  }

  @Test
  void consumersOnThreeServersShareTheWorkInStreamOrderWithOneOutputPerInput() throws Exception {
    FactumStore a = stores.get(0);
    append(a);
    a.consumerGroups()
        .create(
            GroupDefinition.of("g", GroupSource.filtered(LogFilter.categories("in")))
                .with(GroupSettings.DEFAULT.withMaxInFlight(5)));
    for (FactumStore other : stores) {
      Await.until("every server to know the group", WAIT, () -> knows(other));
    }
    Map<String, Delivery> inFlight = new ConcurrentHashMap<>();
    Map<String, Long> nextRevision = new ConcurrentHashMap<>();
    List<String> violations = Collections.synchronizedList(new ArrayList<>());
    AtomicLong[] handled = {new AtomicLong(), new AtomicLong(), new AtomicLong()};
    AtomicInteger done = new AtomicInteger();
    AtomicBoolean running = new AtomicBoolean(true);
    List<Thread> threads = new ArrayList<>();
    Object books = new Object(); // the observers' bookkeeping changes as one
    for (int server = 0; server < 3; server++) {
      int s = server;
      GroupWorker.Observer observer =
          new GroupWorker.Observer() {
            @Override
            public void delivered(Delivery d) {
              String stream = d.event().stream();
              synchronized (books) {
                Delivery other = inFlight.get(stream);
                if (other != null && outputCommitted(a, other)) {
                  // its ack-append committed, and the group may hand the next event out before
                  // the consumer that made it returns from appendAndAck: not in flight any more
                  settle(other);
                }
                other = inFlight.putIfAbsent(stream, d);
                if (other != null) {
                  violations.add(
                      stream + ": " + d.position() + " handed out while " + other.position());
                }
                long expected = nextRevision.getOrDefault(stream, 0L);
                if (d.event().revision() != expected) {
                  violations.add(
                      stream + ": revision " + d.event().revision() + " before " + expected);
                }
              }
            }

            @Override
            public void appended(Delivery d) {
              synchronized (books) {
                settle(d); // a no-op if delivered() settled it already
                handled[s].incrementAndGet();
                done.incrementAndGet();
              }
            }

            private void settle(Delivery d) {
              String stream = d.event().stream();
              nextRevision.merge(stream, d.event().revision() + 1, Math::max);
              inFlight.remove(stream, d);
            }

            @Override
            public void refused(Delivery d) {
              synchronized (books) {
                inFlight.remove(d.event().stream(), d);
              }
            }
          };
      // the second and third servers' consumers join while the first's are at work
      int startAfter = server * STREAMS * PER_STREAM / 6;
      for (int c = 0; c < 2; c++) {
        String consumer = "s" + server + "c" + c;
        threads.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      Await.until("the turn of " + consumer, WAIT, () -> done.get() >= startAfter);
                      GroupWorker.consume(stores.get(s), consumer, running::get, observer);
                    }));
      }
    }
    try {
      Await.until(
          "every input handled",
          WAIT,
          () -> done.get() >= STREAMS * PER_STREAM || !violations.isEmpty());
    } finally {
      running.set(false);
      for (Thread thread : threads) {
        thread.join();
      }
    }
    assertThat(violations).isEmpty();
    assertThat(GroupWorker.check(a, STREAMS, PER_STREAM)).isEmpty();
    for (int s = 0; s < 3; s++) {
      assertThat(handled[s].get()).as("inputs handled by server %d", s).isPositive();
    }
    assertThat(a.consumerGroups().awaitProcessed("g", a.headPosition(), WAIT)).isTrue();
  }

  static void append(FactumStore store) {
    for (int r = 0; r < PER_STREAM; r++) {
      List<AppendRequest> batch = new ArrayList<>();
      for (int k = 0; k < STREAMS; k++) {
        batch.add(
            new AppendRequest(
                "in-" + k, ExpectedRevision.any(), List.of(EventData.json("In", "{}"))));
      }
      store.appendAll(batch);
    }
  }

  private static boolean knows(FactumStore store) {
    try {
      store.consumerGroups().status("g");
      return true;
    } catch (GroupNotFoundException notYet) {
      return false;
    }
  }
}
