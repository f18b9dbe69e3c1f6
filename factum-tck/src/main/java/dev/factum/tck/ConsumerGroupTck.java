package dev.factum.tck;

import static dev.factum.api.ExpectedRevision.any;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.AppendRequest;
import dev.factum.api.Direction;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.GroupExistsException;
import dev.factum.api.GroupNotFoundException;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LogFilter;
import dev.factum.api.NotDeliveredException;
import dev.factum.api.RecordConflictException;
import dev.factum.api.RecordedEvent;
import dev.factum.api.WrongExpectedRevisionException;
import dev.factum.api.groups.ConsumerGroups;
import dev.factum.api.groups.Delivery;
import dev.factum.api.groups.GroupDefinition;
import dev.factum.api.groups.GroupSettings;
import dev.factum.api.groups.GroupSource;
import dev.factum.api.groups.GroupStart;
import dev.factum.api.groups.GroupStatus;
import dev.factum.api.groups.ParkedEvent;
import dev.factum.engine.RecordWrite;
import dev.factum.engine.spi.StoreRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Consumer groups (docs/CONSUMERS.md): stream order under competing consumers, out-of-order acks,
 * the checkpoint rule, nacks, timeouts, parking, exactly-once effects with the atomic ack-append,
 * read-your-writes, restarts, and bad input. Timeouts are real but short, and waited for with long
 * polls and {@link Await}, never with sleeps.
 */
public abstract class ConsumerGroupTck extends TckSupport {
  private static final Duration LONG = Duration.ofSeconds(10);

  private ConsumerGroups groups() {
    return store.consumerGroups();
  }

  private long append(String stream, String type) {
    return store.append(stream, any(), List.of(event(type, "{}"))).lastPosition();
  }

  private GroupStatus create(String name, GroupSource source, GroupSettings settings) {
    return groups().create(GroupDefinition.of(name, source).with(settings));
  }

  /** What a consumer does with one delivery, acking it with its effect. */
  private interface Handler {
    void handle(String consumer, Delivery delivery);
  }

  /**
   * Appends {@code inputs} events over eight "in" streams and makes group "g" of them, redelivering
   * what is not acked within 200 ms; then three consumers handle its deliveries with {@code
   * handler} until the checkpoint passes them all. One delivery in five "crashes" (is never acked)
   * and times out to another consumer; a handler whose delivery timed out meanwhile ({@link
   * NotDeliveredException}) was handled by another and wrote nothing.
   */
  private void handleWithCrashes(int inputs, Handler handler) throws Exception {
    for (int i = 0; i < inputs; i++) {
      append("in-" + (i % 8), "In");
    }
    long head = store.headPosition();
    create(
        "g",
        GroupSource.filtered(LogFilter.categories("in")),
        GroupSettings.DEFAULT
            .withAckTimeout(Duration.ofMillis(200))
            .withRetries(50, Duration.ZERO));
    Concurrently.run(
        3,
        worker -> {
          Random random = new Random(worker);
          String consumer = "c" + worker;
          while (groups().status("g").checkpoint() <= head) {
            for (Delivery d : groups().poll("g", consumer, 4, Duration.ofMillis(50))) {
              if (random.nextInt(5) == 0) {
                continue; // crashed: the delivery times out and goes to someone
              }
              try {
                handler.handle(consumer, d);
              } catch (NotDeliveredException late) {
                // timed out meanwhile and handled by another: nothing was written
              }
            }
          }
        });
  }

  /** Polls until at least one delivery comes (or fails after {@link #LONG}). */
  private List<Delivery> pollSome(String group, String consumer, int max) {
    List<Delivery> got = groups().poll(group, consumer, max, LONG);
    assertThat(got).as("deliveries to %s", consumer).isNotEmpty();
    return got;
  }

  @Test
  void perStreamOrderHoldsUnderManyConsumersWithRandomDelaysAndOutOfOrderAcks() throws Exception {
    int streams = 12;
    int perStream = 8;
    List<AppendRequest> appends = new ArrayList<>();
    for (int round = 0; round < perStream; round++) {
      for (int s = 0; s < streams; s++) {
        appends.add(new AppendRequest("order-" + s, any(), List.of(event("E", "{}"))));
      }
    }
    Collections.shuffle(appends, new Random(7));
    for (AppendRequest request : appends) {
      store.append(request);
    }
    long head = store.headPosition();
    create("g", GroupSource.filtered(LogFilter.categories("order")), GroupSettings.DEFAULT);
    Map<String, Long> inFlight = new ConcurrentHashMap<>();
    Map<String, Long> lastAcked = new ConcurrentHashMap<>();
    Set<Long> seen = ConcurrentHashMap.newKeySet();
    ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    Concurrently.run(
        4,
        worker -> {
          Random random = new Random(worker);
          long lastCheckpoint = -1; // one thread's successive reads never go back
          while (groups().status("g").checkpoint() <= head) {
            List<Delivery> batch =
                new ArrayList<>(
                    groups().poll("g", "c" + worker, 1 + random.nextInt(4), Duration.ofMillis(50)));
            for (Delivery delivery : batch) {
              RecordedEvent e = delivery.event();
              Long other = inFlight.putIfAbsent(e.stream(), e.position());
              if (other != null) {
                violations.add(e + " handed out while " + other + " was in flight");
              }
              long previous = lastAcked.getOrDefault(e.stream(), -1L);
              if (e.revision() != previous + 1) {
                violations.add(e + " handed out after revision " + previous + " was acked");
              }
              seen.add(e.position());
            }
            Collections.shuffle(batch, random);
            for (Delivery delivery : batch) {
              LockSupport.parkNanos(random.nextInt(300_000)); // "work"
              RecordedEvent e = delivery.event();
              lastAcked.put(e.stream(), e.revision());
              inFlight.remove(e.stream());
              groups().ack("g", "c" + worker, e.position());
              long checkpoint = groups().status("g").checkpoint();
              if (checkpoint < lastCheckpoint) {
                violations.add("the checkpoint went back to " + checkpoint);
              }
              lastCheckpoint = checkpoint;
            }
          }
        });
    assertThat(violations).isEmpty();
    assertThat(seen).hasSize(streams * perStream);
    assertThat(groups().status("g").checkpoint()).isEqualTo(head + 1);
  }

  @Test
  void theCheckpointStaysBelowTheFirstUnackedEventAndSurvivesARestart() {
    append("a-1", "A"); // 0
    append("b-1", "B"); // 1
    append("b-1", "B"); // 2
    create("g", GroupSource.all(), GroupSettings.DEFAULT);
    List<Delivery> first = groups().poll("g", "c", 10, LONG);
    Await.until("both streams' first events", LONG, () -> collect(first, "g", "c", 2));
    assertThat(first).extracting(Delivery::position).containsExactly(0L, 1L);
    groups().ack("g", "c", 1);
    assertThat(groups().status("g").checkpoint()).isZero();
    assertThat(pollSome("g", "c", 10)).extracting(Delivery::position).containsExactly(2L);
    groups().ack("g", "c", 2);
    assertThat(groups().status("g").checkpoint()).isZero();
    groups().ack("g", "c", 0);
    assertThat(groups().status("g").checkpoint()).isEqualTo(3);
    reopen();
    assertThat(groups().status("g").checkpoint()).isEqualTo(3);
    assertThat(groups().poll("g", "c", 10, Duration.ofMillis(200))).isEmpty();
    long next = append("a-1", "A");
    assertThat(pollSome("g", "c", 10)).extracting(Delivery::position).containsExactly(next);
  }

  /** Polls more into {@code into} until it holds {@code count} deliveries. */
  private boolean collect(List<Delivery> into, String group, String consumer, int count) {
    if (into.size() < count) {
      List<Delivery> more = groups().poll(group, consumer, count - into.size(), Duration.ZERO);
      List<Delivery> all = new ArrayList<>(into);
      all.addAll(more);
      into.clear();
      all.stream().sorted((x, y) -> Long.compare(x.position(), y.position())).forEach(into::add);
    }
    return into.size() >= count;
  }

  @Test
  void lagInSecondsIsTheAgeOfTheOldestEventNotYetDone() {
    long first = append("a-1", "A");
    create("g", GroupSource.all(), GroupSettings.DEFAULT);
    assertThat(pollSome("g", "c", 10)).extracting(Delivery::position).containsExactly(first);
    Await.until("the undone event to age", LONG, () -> groups().status("g").lagSeconds() > 0);
    groups().ack("g", "c", first);
    assertThat(groups().status("g").lagSeconds()).isZero();
  }

  @Test
  void aNackRetriesThenParksAndThePoisonEventNeverStallsOtherStreams() {
    long poison = append("a-1", "A");
    long afterPoison = append("a-1", "A");
    long other = append("b-1", "B");
    create("g", GroupSource.all(), GroupSettings.DEFAULT.withRetries(1, Duration.ZERO));
    List<Delivery> got = new ArrayList<>(pollSome("g", "c", 10));
    Await.until("a-1@0 and b-1@0", LONG, () -> collect(got, "g", "c", 2));
    assertThat(got).extracting(Delivery::position).containsExactly(poison, other);
    groups().ack("g", "c", other);
    groups().nack("g", "c", poison, "boom 1");
    Delivery retry = pollSome("g", "c", 10).getFirst();
    assertThat(retry.position()).isEqualTo(poison);
    assertThat(retry.attempt()).isEqualTo(2);
    groups().nack("g", "c", poison, "boom 2");
    assertThat(groups().parked("g")).containsExactly(new ParkedEvent(poison, "a-1", "boom 2", 2));
    Delivery next = pollSome("g", "c", 10).getFirst();
    assertThat(next.position()).isEqualTo(afterPoison);
    groups().ack("g", "c", afterPoison);
    assertThat(groups().status("g").checkpoint()).isEqualTo(other + 1);
    assertThat(groups().status("g").parked()).isEqualTo(1);

    reopen();
    assertThat(groups().parked("g")).containsExactly(new ParkedEvent(poison, "a-1", "boom 2", 2));
    assertThat(groups().poll("g", "c", 10, Duration.ofMillis(100))).isEmpty();
    groups().replayParked("g", poison);
    Delivery replayed = pollSome("g", "c", 10).getFirst();
    assertThat(replayed.replay()).isTrue();
    assertThat(replayed.position()).isEqualTo(poison);
    groups().ack("g", "c", poison);
    assertThat(groups().parked("g")).isEmpty();
    assertThat(groups().status("g").checkpoint()).isEqualTo(other + 1);
  }

  @Test
  void aParkedEventCanBeSkippedAndAConsumerCanParkDirectly() {
    long p = append("a-1", "A");
    create("g", GroupSource.all(), GroupSettings.DEFAULT);
    pollSome("g", "c", 1);
    groups().park("g", "c", p, "cannot handle");
    assertThat(groups().parked("g")).containsExactly(new ParkedEvent(p, "a-1", "cannot handle", 1));
    assertThatThrownBy(() -> groups().ack("g", "c", p)).isInstanceOf(NotDeliveredException.class);
    groups().skipParked("g", p);
    assertThat(groups().parked("g")).isEmpty();
    assertThatThrownBy(() -> groups().skipParked("g", p)).isInstanceOf(NotDeliveredException.class);
    reopen();
    assertThat(groups().parked("g")).isEmpty();
    assertThat(groups().status("g").checkpoint()).isEqualTo(p + 1);
  }

  @Test
  void anEventNotAckedInTimeGoesToAnotherConsumerAndTheLateAckIsRefused() {
    long p = append("a-1", "A");
    create(
        "g",
        GroupSource.all(),
        GroupSettings.DEFAULT.withAckTimeout(Duration.ofMillis(150)).withRetries(5, Duration.ZERO));
    assertThat(pollSome("g", "slow", 1)).extracting(Delivery::position).containsExactly(p);
    assertThat(groups().poll("g", "fast", 1, Duration.ZERO)).isEmpty();
    Delivery again = pollSome("g", "fast", 1).getFirst();
    assertThat(again.position()).isEqualTo(p);
    assertThat(again.attempt()).isEqualTo(2);
    assertThatThrownBy(() -> groups().ack("g", "slow", p))
        .isInstanceOf(NotDeliveredException.class);
    groups().ack("g", "fast", p);
    assertThat(groups().status("g").redeliveries()).isEqualTo(1);
    assertThat(groups().status("g").checkpoint()).isEqualTo(p + 1);
  }

  @Test
  void aConsumerThatLeavesHandsItsEventsToAnotherAtOnce() {
    long p = append("a-1", "A");
    create("g", GroupSource.all(), GroupSettings.DEFAULT);
    pollSome("g", "c1", 1);
    assertThat(groups().poll("g", "c2", 1, Duration.ZERO)).isEmpty();
    groups().leave("g", "c1");
    assertThat(groups().poll("g", "c2", 1, Duration.ZERO))
        .extracting(Delivery::position)
        .containsExactly(p);
  }

  @Test
  void maxInFlightBoundsWhatOneConsumerHolds() {
    for (int i = 0; i < 5; i++) {
      append("s-" + i, "A");
    }
    create("g", GroupSource.all(), GroupSettings.DEFAULT.withMaxInFlight(2));
    List<Delivery> got = new ArrayList<>(pollSome("g", "c", 10));
    Await.until("two deliveries", LONG, () -> collect(got, "g", "c", 2));
    assertThat(got).hasSize(2);
    assertThat(groups().poll("g", "c", 10, Duration.ZERO)).isEmpty();
    groups().update("g", GroupSettings.DEFAULT.withMaxInFlight(3));
    assertThat(groups().poll("g", "c", 10, Duration.ZERO)).hasSize(1);
    reopen();
    assertThat(groups().status("g").definition().settings().maxInFlight()).isEqualTo(3);
  }

  /**
   * Handlers write their output with the ack-append; some "crash" (never ack) and their events time
   * out to another consumer. Every input has exactly one output.
   */
  @Test
  void theAtomicAckAppendGivesEachEventExactlyOneEffectAcrossRedeliveries() throws Exception {
    int inputs = 40;
    handleWithCrashes(
        inputs,
        (consumer, d) -> {
          String output = "{\"input\":" + d.position() + "}";
          groups()
              .appendAndAck(
                  "g",
                  consumer,
                  List.of(d.position()),
                  new AppendRequest("out-1", any(), List.of(event("Out", output))));
        });
    Map<String, Integer> outputs = new HashMap<>();
    for (RecordedEvent e : store.readStream("out-1", 0, Direction.FORWARD, 1000).events()) {
      outputs.merge(new String(e.data(), StandardCharsets.UTF_8), 1, Integer::sum);
    }
    assertThat(outputs).hasSize(inputs);
    assertThat(outputs.values()).allMatch(n -> n == 1);
  }

  @Test
  void anAckAppendThatFailsWritesNeitherTheEventsNorTheAck() {
    long p = append("in-1", "In");
    append("out-1", "Out");
    create("g", GroupSource.filtered(LogFilter.categories("in")), GroupSettings.DEFAULT);
    pollSome("g", "c", 1);
    assertThatThrownBy(
            () ->
                groups()
                    .appendAndAck(
                        "g",
                        "c",
                        List.of(p),
                        new AppendRequest(
                            "out-1", ExpectedRevision.noStream(), List.of(event("Out", "{}")))))
        .isInstanceOf(WrongExpectedRevisionException.class);
    assertThat(store.streamState("out-1").lastRevision()).isZero();
    assertThat(groups().status("g").checkpoint()).isEqualTo(p);
    groups()
        .appendAndAck(
            "g", "c", List.of(p), new AppendRequest("out-1", any(), List.of(event("Out", "{}"))));
    assertThat(groups().status("g").checkpoint()).isGreaterThan(p);
    assertThatThrownBy(
            () ->
                groups()
                    .appendAndAck(
                        "g",
                        "c",
                        List.of(p),
                        new AppendRequest("out-1", any(), List.of(event("Out", "{}")))))
        .isInstanceOf(NotDeliveredException.class);
    assertThat(store.streamState("out-1").lastRevision()).isEqualTo(1);
  }

  /**
   * Handlers keep their effect in store records, written with the ack (ackWithRecords); some
   * "crash" and their events time out to another consumer. Each record is put with no version
   * condition, so only the ack's guard keeps a redelivery from applying it twice: every record ends
   * at version 1.
   */
  @Test
  void theAckWithRecordsGivesEachEventExactlyOneEffectAcrossRedeliveries() throws Exception {
    int inputs = 40;
    handleWithCrashes(
        inputs,
        (consumer, d) ->
            store.ackWithRecords(
                "g",
                consumer,
                List.of(d.position()),
                List.of(
                    RecordWrite.put(
                        "effects", "p-" + d.position(), new byte[] {1}, RecordWrite.ANY))));
    List<StoreRecord> effects = store.records().list("effects");
    assertThat(effects).hasSize(inputs);
    assertThat(effects).allMatch(r -> r.version() == 1);
  }

  @Test
  void anAckWithRecordsThatFailsWritesNeitherTheRecordsNorTheAck() {
    long p = append("in-1", "In");
    store
        .records()
        .write(List.of(RecordWrite.put("state", "taken", new byte[] {1}, RecordWrite.ANY)));
    create("g", GroupSource.filtered(LogFilter.categories("in")), GroupSettings.DEFAULT);
    pollSome("g", "c", 1);
    RecordWrite both = RecordWrite.put("state", "other", new byte[] {2}, RecordWrite.ANY);
    RecordWrite stale = RecordWrite.put("state", "taken", new byte[] {3}, RecordWrite.ABSENT);
    assertThatThrownBy(() -> store.ackWithRecords("g", "c", List.of(p), List.of(both, stale)))
        .isInstanceOf(RecordConflictException.class);
    assertThat(store.records().read("state", "other")).isNull();
    assertThat(store.records().read("state", "taken").value()).containsExactly(1);
    assertThat(groups().status("g").checkpoint()).isEqualTo(p);
    assertThatThrownBy(
            () ->
                store.ackWithRecords(
                    "g",
                    "c",
                    List.of(p),
                    List.of(
                        RecordWrite.put("factum.groups", "x", new byte[] {1}, RecordWrite.ANY))))
        .isInstanceOf(InvalidArgumentException.class);
    assertThat(store.ackWithRecords("g", "c", List.of(p), List.of(both))).containsExactly(1L);
    assertThat(groups().status("g").checkpoint()).isGreaterThan(p);
    assertThatThrownBy(() -> store.ackWithRecords("g", "c", List.of(p), List.of(both)))
        .isInstanceOf(NotDeliveredException.class);
    assertThat(store.records().read("state", "other").version()).isEqualTo(1);
  }

  @Test
  void awaitProcessedWaitsUntilTheGroupHasHandledAPosition() {
    create("g", GroupSource.all(), GroupSettings.DEFAULT);
    long p = append("a-1", "A");
    assertThat(groups().awaitProcessed("g", p, Duration.ofMillis(50))).isFalse();
    pollSome("g", "c", 1);
    assertThat(groups().awaitProcessed("g", p, Duration.ofMillis(50))).isFalse();
    groups().ack("g", "c", p);
    assertThat(groups().awaitProcessed("g", p, Duration.ZERO)).isTrue();
  }

  @Test
  void aGroupStartsAtTheEndOrAtAPositionAndReadsOnlyItsSource() {
    append("a-1", "A");
    long b = append("b-1", "B");
    create("all", GroupSource.all(), GroupSettings.DEFAULT);
    groups().create(GroupDefinition.of("late", GroupSource.all()).startingAt(GroupStart.end()));
    groups()
        .create(
            GroupDefinition.of("only-b", GroupSource.stream("b-1")).startingAt(GroupStart.at(b)));
    long later = append("b-1", "B");
    append("b-2", "B");
    assertThat(pollSome("late", "c", 1)).extracting(Delivery::position).containsExactly(later);
    List<Delivery> onlyB = new ArrayList<>(pollSome("only-b", "c", 10));
    groups().ack("only-b", "c", b);
    onlyB.addAll(pollSome("only-b", "c", 10));
    assertThat(onlyB).extracting(Delivery::position).containsExactly(b, later);
    assertThat(groups().list())
        .extracting(s -> s.definition().name())
        .containsExactly("all", "late", "only-b");
  }

  @Test
  void badInputIsRefusedWithTypedExceptionsAndChangesNothing() {
    long p = append("a-1", "A");
    assertThatThrownBy(() -> groups().poll("nope", "c", 1, Duration.ZERO))
        .isInstanceOf(GroupNotFoundException.class);
    assertThatThrownBy(() -> groups().status("nope")).isInstanceOf(GroupNotFoundException.class);
    assertThatThrownBy(() -> groups().delete("nope")).isInstanceOf(GroupNotFoundException.class);
    for (GroupSettings bad :
        List.of(
            GroupSettings.DEFAULT.withMaxInFlight(0),
            GroupSettings.DEFAULT.withAckTimeout(Duration.ZERO),
            GroupSettings.DEFAULT.withRetries(-1, Duration.ZERO),
            GroupSettings.DEFAULT.withRetries(1, Duration.ofSeconds(-1)))) {
      assertThatThrownBy(() -> create("g", GroupSource.all(), bad))
          .isInstanceOf(InvalidArgumentException.class);
    }
    assertThatThrownBy(() -> create("", GroupSource.all(), GroupSettings.DEFAULT))
        .isInstanceOf(InvalidArgumentException.class);
    assertThat(groups().list()).isEmpty();

    create("g", GroupSource.all(), GroupSettings.DEFAULT);
    assertThatThrownBy(() -> create("g", GroupSource.all(), GroupSettings.DEFAULT))
        .isInstanceOf(GroupExistsException.class);
    assertThatThrownBy(() -> groups().ack("g", "c", p)).isInstanceOf(NotDeliveredException.class);
    pollSome("g", "owner", 1);
    assertThatThrownBy(() -> groups().ack("g", "intruder", p))
        .isInstanceOf(NotDeliveredException.class);
    assertThatThrownBy(() -> groups().nack("g", "intruder", p, "x"))
        .isInstanceOf(NotDeliveredException.class);
    assertThatThrownBy(() -> groups().update("g", GroupSettings.DEFAULT.withMaxInFlight(-5)))
        .isInstanceOf(InvalidArgumentException.class);
    assertThat(groups().status("g").inFlight()).isEqualTo(1);
    assertThat(groups().status("g").definition().settings()).isEqualTo(GroupSettings.DEFAULT);

    groups().delete("g");
    assertThatThrownBy(() -> groups().ack("g", "owner", p))
        .isInstanceOf(GroupNotFoundException.class);
    reopen();
    assertThat(groups().list()).isEmpty();
    create("g", GroupSource.all(), GroupSettings.DEFAULT);
    assertThat(groups().status("g").checkpoint()).isZero();
    assertThat(pollSome("g", "c", 1)).extracting(Delivery::position).containsExactly(p);
  }
}
