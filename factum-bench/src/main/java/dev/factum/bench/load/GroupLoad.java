package dev.factum.bench.load;

import dev.factum.api.AppendRequest;
import dev.factum.api.AppendResult;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.LogFilter;
import dev.factum.api.RecordedEvent;
import dev.factum.api.Subscription;
import dev.factum.api.SubscriptionListener;
import dev.factum.api.SubscriptionRequest;
import dev.factum.api.groups.ConsumerGroups;
import dev.factum.api.groups.Delivery;
import dev.factum.api.groups.GroupDefinition;
import dev.factum.api.groups.GroupSettings;
import dev.factum.api.groups.GroupSource;
import dev.factum.api.groups.GroupStart;
import dev.factum.engine.FactumStore;
import dev.factum.engine.PipelineStats;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Consumer groups under load (workload {@code groups}, issue 12), embedded, on one store:
 *
 * <ol>
 *   <li>Catch-up: the {@link LoadedStore} (streams of 100 events in category {@code load}; 10,000
 *       streams in the full run) consumed by a group of 1, 4 and 16 consumers (poll up to 100, ack
 *       each), each pass timed until {@code awaitProcessed} of the last event, next to a plain
 *       subscription to the same category timed until caught up; they take turns (subscription,
 *       group, subscription, group, ...), and each group pass is compared with the subscription
 *       pass just before it.
 *   <li>End-to-end latency: a steady, paced append load (one event per append) into category {@code
 *       live}, consumed live by a group of 4 consumers and by a plain subscription at once; each
 *       event carries the {@code System.nanoTime()} of its append, so latency is append start to
 *       delivery, in this JVM.
 *   <li>Ack-append: {@link #ACK_THREADS} consumers of one group over category {@code work}, each
 *       handling one delivery per operation (polling up to 100 when it holds none, inside the
 *       operation) and writing one output event for it, three ways ({@link AckSide}): with {@code
 *       appendAndAck} (the append and the ack in one commit: exactly-once effects), with a plain
 *       {@code append} followed by a plain {@code ack} (the same handler loop as a user writes it
 *       without ack-append: at-least-once), and, for scale, the same threads writing the same
 *       events with a plain {@code append} and no group at all. The two handler sides share the
 *       group and its consumers (each side handles the group's next deliveries), so they differ
 *       only in how the output and the ack are written. Interleaved window by window (the order
 *       rotates by round), with the events per group commit of each side from {@code
 *       pipelineStats()}; what a handler window leaves in its consumers' hands is acked, untimed,
 *       when it ends, so no window handles another's deliveries.
 * </ol>
 *
 * <p>Before the first catch-up pass, one untimed subscription pass and one untimed group pass (of
 * the largest group) warm the JVM up, so neither side of the first pair runs cold.
 *
 * <p>What must stay true: every group pass must process every event of its source (the pass fails
 * otherwise), so a rate is for complete work; an ack-append consumer that runs dry fails the run
 * (the work category is sized for the windows: {@link #workEventsFor}) rather than measure waiting.
 */
public final class GroupLoad {
  public static final List<Integer> CONSUMERS = List.of(1, 4, 16);
  public static final int LIVE_CONSUMERS = 4;
  public static final int ACK_THREADS = 16;
  private static final int POLL = 100;
  private static final Duration PASS_TIMEOUT = Duration.ofMinutes(15);
  private static final GroupSettings SETTINGS = GroupSettings.DEFAULT.withMaxInFlight(POLL);

  /** Work events per second of a handler window that the work category is sized for (2× seen). */
  private static final long WORK_RATE = 25_000;

  /** The three ways the ack-append comparison writes a handler's output (see the class note). */
  public enum AckSide {
    /** {@code append} then {@code ack}: the handler loop without ack-append (the baseline). */
    APPEND_THEN_ACK("append, then ack"),
    /** {@code appendAndAck}: output and ack in one commit. */
    ACK_APPEND("appendAndAck"),
    /** The same output with {@code append} and no group: no handler loop at all, for scale. */
    PLAIN_APPEND("plain append, no group");

    private final String label;

    AckSide(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    boolean handles() {
      return this != PLAIN_APPEND;
    }
  }

  /** One catch-up pass: events processed over the time from start to the last one done. */
  public record Pass(long events, long elapsedNanos) {
    public double eventsPerSecond() {
      return events / (elapsedNanos / 1e9);
    }
  }

  /** A group pass of {@code consumers} next to the subscription pass just before it. */
  public record CatchUp(int consumers, Pass subscription, Pass group, long deliveries) {}

  /**
   * @param rate appends per second offered
   * @param appended events appended during the window
   */
  public record Latency(
      double rate, long appended, LatencySummary group, LatencySummary subscription) {}

  public record Result(
      long events,
      int streams,
      List<CatchUp> catchUps,
      Latency latency,
      int rounds,
      Map<AckSide, WindowTotals> ackSides,
      Map<AckSide, Double> eventsPerCommit) {
    public Result {
      catchUps = List.copyOf(catchUps);
      ackSides = Map.copyOf(ackSides);
      eventsPerCommit = Map.copyOf(eventsPerCommit);
    }

    /** The side of the ack-append comparison. */
    public WindowTotals side(AckSide side) {
      return ackSides.get(side);
    }
  }

  private GroupLoad() {}

  public static Result measure(
      Path runDirectory,
      long events,
      long workEvents,
      double liveRate,
      int rounds,
      Duration warmUp,
      Duration window,
      Progress progress)
      throws IOException, InterruptedException {
    Path directory = runDirectory.resolve("groups");
    Payloads payloads = new Payloads(12);
    try (FactumStore store = RocksDbEventStore.open(directory)) {
      LoadedStore.BuildResult build = LoadedStore.build(store, events, progress);
      long last = store.headPosition();
      // Untimed, one pass of each first: the first timed subscription pass ran in a cold JVM.
      subscriptionPass(store, EntityFill.CATEGORY);
      groupPass(store, "warm-up", CONSUMERS.getLast(), last, build.events(), new long[1]);
      List<CatchUp> catchUps = new ArrayList<>();
      for (int consumers : CONSUMERS) {
        Pass subscription = subscriptionPass(store, EntityFill.CATEGORY);
        long[] deliveries = new long[1];
        Pass group =
            groupPass(store, "catch-up-" + consumers, consumers, last, build.events(), deliveries);
        progress.say(
            "groups catch-up: subscription %s events/s, group of %d %s events/s",
            Fmt.rate(subscription.eventsPerSecond()), consumers, Fmt.rate(group.eventsPerSecond()));
        catchUps.add(new CatchUp(consumers, subscription, group, deliveries[0]));
      }

      Latency latency = latency(store, liveRate, window);
      progress.say(
          "groups live at %s appends/s: group p50 %s µs p99 %s µs, subscription p99 %s µs",
          Fmt.rate(latency.rate()),
          Fmt.micros(latency.group().p50()),
          Fmt.micros(latency.group().p99()),
          Fmt.micros(latency.subscription().p99()));

      fillWork(store, workEventsFor(workEvents, rounds, warmUp, window), payloads);
      Map<AckSide, WindowTotals> totals = new EnumMap<>(AckSide.class);
      Map<AckSide, long[]> batches = new EnumMap<>(AckSide.class); // {commits, events}
      for (AckSide side : AckSide.values()) {
        totals.put(side, new WindowTotals());
        batches.put(side, new long[2]);
      }
      ConsumerGroups groups = store.consumerGroups();
      groups.create(
          GroupDefinition.of("ack-append", GroupSource.filtered(LogFilter.categories("work")))
              .with(SETTINGS));
      List<ArrayDeque<Delivery>> held = new ArrayList<>();
      for (int i = 0; i < ACK_THREADS; i++) {
        held.add(new ArrayDeque<>());
      }
      LongAdder polling = new LongAdder();
      PipelineStats stats = store.pipelineStats();
      List<AckSide> order = List.of(AckSide.values());
      for (int round = 1; round <= rounds; round++) {
        // The order rotates by round, so no side always follows the same other one.
        for (int turn = 0; turn < order.size(); turn++) {
          AckSide side = order.get((turn + round - 1) % order.size());
          PipelineStats.Snapshot[] before = new PipelineStats.Snapshot[1];
          ClosedLoop.Result result =
              new ClosedLoop(side.name().toLowerCase(Locale.ROOT), ACK_THREADS, warmUp, window)
                  .run(
                      index -> {
                        if (!side.handles()) {
                          return () -> store.append(output(payloads));
                        }
                        ArrayDeque<Delivery> mine = held.get(index);
                        String consumer = "worker-" + index;
                        return () ->
                            handle(store, groups, side, consumer, mine, output(payloads), polling);
                      },
                      () -> before[0] = stats.snapshot());
          PipelineStats.Snapshot after = stats.snapshot();
          if (side.handles()) {
            settle(groups, held);
          }
          long[] sideBatches = batches.get(side);
          sideBatches[0] += after.batches() - before[0].batches();
          sideBatches[1] += after.events() - before[0].events();
          totals.get(side).add(result);
          long commits = after.batches() - before[0].batches();
          progress.say(
              "groups round %d, %d threads: %s %s/s p99 %s µs, %s events and %s µs of synced"
                  + " storage commit per group commit (handler polls so far: %s)",
              round,
              ACK_THREADS,
              side.label(),
              Fmt.rate(result.perSecond()),
              Fmt.micros(result.summary().p99()),
              String.format(
                  Locale.ROOT,
                  "%.1f",
                  commits == 0 ? 0 : (after.events() - before[0].events()) / (double) commits),
              commits == 0 ? 0 : (after.commitNanos() - before[0].commitNanos()) / commits / 1000,
              Fmt.seconds(polling.sum()));
        }
      }
      Map<AckSide, Double> perCommit = new EnumMap<>(AckSide.class);
      batches.forEach((side, counts) -> perCommit.put(side, perCommit(counts)));
      return new Result(events, build.streams(), catchUps, latency, rounds, totals, perCommit);
    } finally {
      DataDirectory.deleteTree(directory);
    }
  }

  private static double perCommit(long[] batches) {
    return batches[0] == 0 ? 0 : batches[1] / (double) batches[0];
  }

  /** A subscription to {@code category} from position 0, timed until its first catch-up. */
  static Pass subscriptionPass(FactumStore store, String category) throws InterruptedException {
    LongAdder delivered = new LongAdder();
    CountDownLatch caughtUp = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long[] at = new long[2];
    long started = System.nanoTime();
    try (Subscription subscription =
        store.subscribe(
            SubscriptionRequest.toCategory(category),
            new SubscriptionListener() {
              @Override
              public void onEvent(RecordedEvent event) {
                delivered.increment();
              }

              @Override
              public void onCaughtUp() {
                if (caughtUp.getCount() > 0) {
                  at[0] = System.nanoTime();
                  at[1] = delivered.sum();
                  caughtUp.countDown();
                }
              }

              @Override
              public void onClose(Throwable cause) {
                if (cause != null) {
                  failure.compareAndSet(null, cause);
                  caughtUp.countDown();
                }
              }
            })) {
      if (!caughtUp.await(PASS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            "the subscription had not caught up in "
                + PASS_TIMEOUT
                + " (at position "
                + subscription.nextPosition()
                + ")");
      }
    }
    if (failure.get() != null) {
      throw new IllegalStateException("the subscription failed", failure.get());
    }
    return new Pass(at[1], at[0] - started);
  }

  /**
   * A new group over the loaded category, from the beginning, consumed by {@code consumers} threads
   * (poll up to 100, ack each) until every event up to {@code last} is processed.
   */
  private static Pass groupPass(
      FactumStore store, String name, int consumers, long last, long events, long[] deliveries)
      throws InterruptedException {
    ConsumerGroups groups = store.consumerGroups();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    LongAdder delivered = new LongAdder();
    long started = System.nanoTime();
    groups.create(
        GroupDefinition.of(name, GroupSource.filtered(LogFilter.categories(EntityFill.CATEGORY)))
            .startingAt(GroupStart.beginning())
            .with(SETTINGS));
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < consumers; i++) {
      String consumer = "consumer-" + i;
      threads.add(
          Thread.ofPlatform()
              .name(name + "-" + i)
              .start(() -> consume(groups, name, consumer, stop, failure, delivered, null)));
    }
    boolean done;
    try {
      done = awaitProcessed(groups, name, last, failure);
    } finally {
      stop.set(true);
      for (Thread thread : threads) {
        thread.join();
      }
    }
    long elapsed = System.nanoTime() - started;
    if (failure.get() != null) {
      throw new IllegalStateException("a consumer of " + name + " failed", failure.get());
    }
    if (!done) {
      throw new IllegalStateException(name + " had not processed the log in " + PASS_TIMEOUT);
    }
    groups.delete(name);
    deliveries[0] = delivered.sum();
    return new Pass(events, elapsed);
  }

  /**
   * {@code awaitProcessed} (which waits at most 5 minutes a call) for up to {@link #PASS_TIMEOUT},
   * in steps of a second so that a failed consumer ends the wait.
   */
  private static boolean awaitProcessed(
      ConsumerGroups groups, String group, long position, AtomicReference<Throwable> failure) {
    long deadline = System.nanoTime() + PASS_TIMEOUT.toNanos();
    while (failure.get() == null && System.nanoTime() < deadline) {
      if (groups.awaitProcessed(group, position, Duration.ofSeconds(1))) {
        return true;
      }
    }
    return false;
  }

  /**
   * One consumer's loop: poll, ack each delivery (recording its latency from the append time in its
   * data when {@code latency} is non-null), until {@code stop}.
   */
  private static void consume(
      ConsumerGroups groups,
      String group,
      String consumer,
      AtomicBoolean stop,
      AtomicReference<Throwable> failure,
      LongAdder delivered,
      Histogram latency) {
    try {
      while (!stop.get()) {
        for (Delivery delivery : groups.poll(group, consumer, POLL, Duration.ofMillis(50))) {
          if (latency != null) {
            latency.recordValue(Math.max(0, System.nanoTime() - sentAt(delivery.event())));
          }
          groups.ack(group, consumer, delivery.position());
          delivered.increment();
        }
      }
      groups.leave(group, consumer);
    } catch (Throwable t) {
      failure.compareAndSet(null, t);
    }
  }

  private static Latency latency(FactumStore store, double rate, Duration window)
      throws InterruptedException {
    ConsumerGroups groups = store.consumerGroups();
    String group = "live";
    groups.create(
        GroupDefinition.of(group, GroupSource.filtered(LogFilter.categories("live")))
            .startingAt(GroupStart.end())
            .with(SETTINGS));
    Histogram groupLatency = new ConcurrentHistogram(3);
    Histogram subscriptionLatency = new ConcurrentHistogram(3);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    LongAdder delivered = new LongAdder();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < LIVE_CONSUMERS; i++) {
      String consumer = "live-" + i;
      threads.add(
          Thread.ofPlatform()
              .name("live-" + i)
              .start(
                  () -> consume(groups, group, consumer, stop, failure, delivered, groupLatency)));
    }
    long appended = 0;
    AppendResult lastAppend = null;
    try (Subscription subscription =
        store.subscribe(
            SubscriptionRequest.toAll(LogFilter.categories("live")).fromEnd(),
            new SubscriptionListener() {
              @Override
              public void onEvent(RecordedEvent event) {
                subscriptionLatency.recordValue(Math.max(0, System.nanoTime() - sentAt(event)));
              }
            })) {
      long interval = (long) (1e9 / rate);
      long start = System.nanoTime();
      long end = start + window.toNanos();
      List<CompletableFuture<AppendResult>> pending = new ArrayList<>();
      for (long next = start; next < end; next += interval) {
        long wait = next - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        long now = System.nanoTime();
        pending.add(
            store.appendAsync(
                AppendRequest.of(
                    "live-" + ThreadLocalRandom.current().nextInt(1_000),
                    ExpectedRevision.any(),
                    EventData.json(
                        "Tick", ("{\"sentAt\":" + now + "}").getBytes(StandardCharsets.UTF_8)))));
        appended++;
      }
      for (CompletableFuture<AppendResult> future : pending) {
        lastAppend = future.join();
      }
      if (lastAppend != null
          && !awaitProcessed(groups, group, lastAppend.lastPosition(), failure)) {
        throw new IllegalStateException("the live group fell behind for " + PASS_TIMEOUT);
      }
      // The subscription has been delivered everything up to the last append once its next
      // position is past it (a short wait: it keeps up with the group).
      long deadline = System.nanoTime() + PASS_TIMEOUT.toNanos();
      while (lastAppend != null && subscription.nextPosition() <= lastAppend.lastPosition()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the live subscription fell behind for " + PASS_TIMEOUT);
        }
        LockSupport.parkNanos(1_000_000);
      }
    } finally {
      stop.set(true);
      for (Thread thread : threads) {
        thread.join();
      }
    }
    if (failure.get() != null) {
      throw new IllegalStateException("a live consumer failed", failure.get());
    }
    groups.delete(group);
    return new Latency(
        rate, appended, LatencySummary.of(groupLatency), LatencySummary.of(subscriptionLatency));
  }

  private static long sentAt(RecordedEvent event) {
    String data = new String(event.data(), StandardCharsets.UTF_8);
    int colon = data.indexOf(':');
    return Long.parseLong(data.substring(colon + 1, data.length() - 1).trim());
  }

  /**
   * {@code events} events in category {@code work} (up to 10,000 streams), in appends of 100, up to
   * 64 of them in flight so the writer builds group commits.
   */
  private static void fillWork(FactumStore store, long events, Payloads payloads) {
    ArrayDeque<CompletableFuture<AppendResult>> inFlight = new ArrayDeque<>();
    for (long first = 0; first < events; first += 100) {
      List<EventData> batch = new ArrayList<>(100);
      for (long i = first; i < Math.min(events, first + 100); i++) {
        batch.add(EventData.json("Job", payloads.next()));
      }
      inFlight.add(
          store.appendAsync(
              new AppendRequest("work-" + (first / 100) % 10_000, ExpectedRevision.any(), batch)));
      if (inFlight.size() >= 64) {
        inFlight.removeFirst().join();
      }
    }
    inFlight.forEach(CompletableFuture::join);
  }

  private static AppendRequest output(Payloads payloads) {
    return AppendRequest.of(
        "out-" + ThreadLocalRandom.current().nextInt(10_000),
        ExpectedRevision.any(),
        EventData.json("Done", payloads.next()));
  }

  /**
   * Work events for the handler windows: at least {@code asked}, and enough for both handler sides
   * at {@link #WORK_RATE} through every round's warm-up and window, so no consumer runs dry.
   */
  static long workEventsFor(long asked, int rounds, Duration warmUp, Duration window) {
    double seconds = rounds * (warmUp.toNanos() + window.toNanos()) / 1e9;
    long needed = (long) Math.ceil(2 * seconds * WORK_RATE / 100) * 100;
    return Math.max(asked, needed);
  }

  /**
   * Acks (plainly, untimed) what the handler threads still hold when their window ends, so each
   * window starts with empty hands: held over, a window's deliveries were handled in the next
   * handler window, which then polled less than it would alone.
   */
  private static void settle(ConsumerGroups groups, List<ArrayDeque<Delivery>> held) {
    for (int i = 0; i < held.size(); i++) {
      for (Delivery delivery : held.get(i)) {
        groups.ack("ack-append", "worker-" + i, delivery.position());
      }
      held.get(i).clear();
    }
  }

  /**
   * One delivery taken from the consumer's held ones (polling when it has none), its output written
   * and the delivery acked as {@code side} says.
   */
  private static void handle(
      FactumStore store,
      ConsumerGroups groups,
      AckSide side,
      String consumer,
      ArrayDeque<Delivery> held,
      AppendRequest output,
      LongAdder polling) {
    if (held.isEmpty()) {
      long started = System.nanoTime();
      held.addAll(groups.poll("ack-append", consumer, POLL, Duration.ofSeconds(5)));
      polling.add(System.nanoTime() - started);
      if (held.isEmpty()) {
        throw new IllegalStateException(
            "the work category ran dry: " + consumer + " got nothing in 5 s");
      }
    }
    Delivery delivery = held.removeFirst();
    if (side == AckSide.ACK_APPEND) {
      groups.appendAndAck("ack-append", consumer, List.of(delivery.position()), output);
    } else {
      store.append(output);
      groups.ack("ack-append", consumer, delivery.position());
    }
  }
}
