package dev.factum.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.AppendRequest;
import dev.factum.api.AppendResult;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.LogFilter;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamDeletedException;
import dev.factum.api.Subscription;
import dev.factum.api.SubscriptionListener;
import dev.factum.api.SubscriptionRequest;
import dev.factum.api.WrongExpectedRevisionException;
import dev.factum.engine.FactumStore;
import dev.factum.tck.Await;
import dev.factum.tck.Concurrently;
import dev.factum.tck.DcbConsistencyCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two stores in one JVM over one database behave as two Factum servers would: nothing they share
 * but PostgreSQL. (The same is proven with two server processes in factum-system-tests.)
 */
class TwoServersOneDatabaseTest {
  private PostgresFixture fixture;
  private FactumStore a;
  private FactumStore b;

  @BeforeEach
  void open() {
    fixture = new PostgresFixture();
    a = fixture.open();
    b = fixture.open();
  }

  @AfterEach
  void close() {
    try {
      assertThat(a.verify().ok()).as("%s", a.verify()).isTrue();
    } finally {
      a.close();
      b.close();
    }
  }

  private static EventData event(String json) {
    return EventData.json("Happened", json);
  }

  /**
   * DCB conditions are exact across servers: each is checked inside the commit transaction, under
   * the lock that orders commits, so no server commits a decision made on facts the other changed.
   */
  @Test
  void conditionalAppendsOnBothServersNeverDecideOnStaleFacts() throws Exception {
    assertThat(DcbConsistencyCheck.run(List.of(a, b), 20, 15)).isPositive();
  }

  @Test
  void conditionalAppendsOnDisjointQueriesNeverFailOnEitherServer() throws Exception {
    int appends = DcbConsistencyCheck.runDisjoint(List.of(a, b), 20, 10);
    Await.until(
        "both servers' appends", Duration.ofSeconds(30), () -> a.headPosition() >= appends - 1);
    assertThat(a.headPosition()).isEqualTo(appends - 1L);
  }

  @Test
  void concurrentWritersOnBothGiveOneGaplessCommitOrderedLog() throws Exception {
    Map<UUID, AppendResult> acked = new ConcurrentHashMap<>();
    Concurrently.run(
        8,
        worker -> {
          FactumStore via = worker % 2 == 0 ? a : b;
          for (int i = 0; i < 40; i++) {
            UUID id = UUID.randomUUID();
            AppendResult result =
                via.append(
                    AppendRequest.of(
                        "load-" + (i % 5),
                        ExpectedRevision.any(),
                        event("{\"w\":" + worker + "}").withId(id)));
            acked.put(id, result);
          }
        });

    for (FactumStore store : List.of(a, b)) {
      ReadPage page = store.readAll(0, Direction.FORWARD, 10_000, LogFilter.none());
      List<RecordedEvent> all = page.events();
      assertThat(all).hasSize(320);
      for (int i = 0; i < all.size(); i++) {
        assertThat(all.get(i).position()).isEqualTo(i); // dense, no holes
      }
      for (RecordedEvent event : all) {
        AppendResult ack = acked.get(event.id());
        assertThat(ack).as("every event was acknowledged").isNotNull();
        assertThat(event.position()).isEqualTo(ack.firstPosition());
        assertThat(event.revision()).isEqualTo(ack.firstRevision());
      }
      for (int s = 0; s < 5; s++) {
        List<RecordedEvent> stream =
            store.readStream("load-" + s, 0, Direction.FORWARD, 1000).events();
        for (int r = 0; r < stream.size(); r++) {
          assertThat(stream.get(r).revision()).isEqualTo(r);
        }
      }
    }
  }

  @Test
  void exactlyOneOfTwoRacingServersWinsEachExpectedRevision() throws Exception {
    a.append(AppendRequest.of("race-1", ExpectedRevision.noStream(), event("{}")));
    AtomicInteger wins = new AtomicInteger();
    AtomicInteger conflicts = new AtomicInteger();
    for (int round = 0; round < 20; round++) {
      long expected = round;
      Concurrently.run(
          4,
          worker -> {
            FactumStore via = worker % 2 == 0 ? a : b;
            try {
              via.append(
                  AppendRequest.of(
                      "race-1", ExpectedRevision.exact(expected), event("{\"w\":" + worker + "}")));
              wins.incrementAndGet();
            } catch (WrongExpectedRevisionException e) {
              assertThat(e.actualRevision()).isEqualTo(expected + 1);
              conflicts.incrementAndGet();
            }
          });
    }
    assertThat(wins).hasValue(20);
    assertThat(conflicts).hasValue(60);
    assertThat(b.streamState("race-1").lastRevision()).isEqualTo(20);
  }

  @Test
  void aRetryThroughTheOtherServerReturnsTheOriginalResult() {
    EventData sent = event("{\"n\":1}").withId(UUID.randomUUID());
    AppendResult first = a.append(AppendRequest.of("retry-1", ExpectedRevision.any(), sent));
    AppendResult again = b.append(AppendRequest.of("retry-1", ExpectedRevision.any(), sent));
    assertThat(again).isEqualTo(first);
    assertThat(b.readStream("retry-1", 0, Direction.FORWARD, 10).events()).hasSize(1);
  }

  @Test
  void aDeleteOnOneServerIsSeenByTheOthersNextAppend() {
    a.append(AppendRequest.of("gone-1", ExpectedRevision.noStream(), event("{}")));
    b.append(AppendRequest.of("gone-1", ExpectedRevision.exact(0), event("{}"))); // b caches head
    a.tombstone("gone-1", ExpectedRevision.any());
    Assertions.assertThatThrownBy(
            () -> b.append(AppendRequest.of("gone-1", ExpectedRevision.any(), event("{}"))))
        .isInstanceOf(StreamDeletedException.class);
  }

  @Test
  void readsOnOneServerIncludeEveryAppendAcknowledgedByTheOther() {
    for (int i = 0; i < 50; i++) {
      AppendResult ack =
          a.append(AppendRequest.of("lin-1", ExpectedRevision.any(), event("{\"i\":" + i + "}")));
      List<RecordedEvent> stream =
          b.readStream("lin-1", Long.MAX_VALUE, Direction.BACKWARD, 1).events();
      assertThat(stream.getFirst().position()).isEqualTo(ack.lastPosition());
      ReadPage log = b.readAll(Long.MAX_VALUE, Direction.BACKWARD, 1, LogFilter.none());
      assertThat(log.events().getFirst().position()).isEqualTo(ack.lastPosition());
      assertThat(b.headPosition()).isGreaterThanOrEqualTo(ack.lastPosition());
    }
  }

  @Test
  void aSubscriberOnOneServerGetsEveryEventWrittenThroughTheOtherInOrderOnce() throws Exception {
    List<Long> seen = new CopyOnWriteArrayList<>();
    Subscription subscription =
        b.subscribe(
            SubscriptionRequest.toAll(),
            new SubscriptionListener() {
              @Override
              public void onEvent(RecordedEvent event) {
                seen.add(event.position());
              }
            });
    try {
      List<Long> written = Collections.synchronizedList(new ArrayList<>());
      Concurrently.run(
          4,
          worker -> {
            for (int i = 0; i < 50; i++) {
              written.add(
                  a.append(
                          AppendRequest.of(
                              "feed-" + worker, ExpectedRevision.any(), event("{}"), event("{}")))
                      .lastPosition());
            }
          });
      Await.until(
          "the subscriber on b has all 400 events",
          Duration.ofSeconds(20),
          () -> seen.size() >= 400);
      // A marker written after everything else is delivered after anything a duplicate could be:
      // once it arrives, whatever came before it is all there is to judge.
      long marker =
          a.append(AppendRequest.of("marker", ExpectedRevision.noStream(), event("{}")))
              .lastPosition();
      assertThat(marker).isEqualTo(400);
      Await.until(
          "the subscriber on b has the marker",
          Duration.ofSeconds(20),
          () -> seen.contains(marker));
      assertThat(seen).hasSize(401);
      for (int i = 0; i < seen.size(); i++) {
        assertThat(seen.get(i)).isEqualTo(i);
      }
    } finally {
      subscription.close();
    }
  }
}
