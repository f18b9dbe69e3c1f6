package dev.factum.bench.load;

import dev.factum.api.AppendCondition;
import dev.factum.api.AppendConditionFailedException;
import dev.factum.api.AppendRequest;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.Query;
import dev.factum.engine.FactumStore;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * Dynamic consistency boundaries under load (workload {@code dcb}, issue 15), embedded: a store
 * preloaded with events over {@link #TYPES} types and a tag space (100,000 tags in the full run),
 * two tags per event; then, at 1, 16 and 64 writers, unconditional appends of one event next to
 * conditional appends of the same kind of event, and finally query reads by tag.
 *
 * <p>A conditional append is what a DCB decision writes: {@code failIfEventsMatch} a query of 1 to
 * 3 items (in turn) on the appended event's own type and tags, {@code after} the head position the
 * writer read just before, so it fails only if a matching event was committed in between; a failed
 * condition is counted as a conflict (an answer, not an error) and the writer carries on.
 *
 * <p>What must stay true: both kinds run on the same store with the same writers and the same
 * random events, taking turns window by window (unconditional, conditional, conditional,
 * unconditional, ...: the side that goes first alternates by round), and are reported as a ratio of
 * committed events per second; every read by tag is checked to return only events that carry the
 * tag.
 */
public final class DcbLoad {
  public static final int TYPES = 10;
  public static final List<Integer> WRITERS = List.of(1, 16, 64);
  public static final int READERS = 4;
  public static final int READ_LIMIT = 100;
  private static final int PRELOAD_BATCH = 1_000;
  private static final int STREAMS = 10_000;

  /**
   * @param writers concurrent writers
   * @param unconditional appends without a condition (operations = events)
   * @param conditional conditional appends tried (operations = attempts, conflicts included)
   * @param conflicts conditional appends whose condition failed
   */
  public record Pair(
      int writers, WindowTotals unconditional, WindowTotals conditional, long conflicts) {
    public double conflictRate() {
      return conditional.operations() == 0 ? 0 : conflicts / (double) conditional.operations();
    }

    /** Committed conditional events per second. */
    public double conditionalCommittedPerSecond() {
      return (conditional.operations() - conflicts) / (conditional.elapsedNanos() / 1e9);
    }
  }

  /** Reads by tag: {@code readByQuery(tags(t), 0, FORWARD, 100)} of random tags. */
  public record Reads(int threads, WindowTotals reads, long events) {
    public double eventsPerSecond() {
      return events / (reads.elapsedNanos() / 1e9);
    }
  }

  public record Result(
      long preloaded, int tags, long preloadNanos, int rounds, List<Pair> pairs, Reads reads) {
    public Result {
      pairs = List.copyOf(pairs);
    }
  }

  private DcbLoad() {}

  public static Result measure(
      Path runDirectory,
      long events,
      int tags,
      int rounds,
      Duration warmUp,
      Duration window,
      Progress progress)
      throws IOException, InterruptedException {
    Path directory = runDirectory.resolve("dcb");
    Payloads payloads = new Payloads(15);
    try (FactumStore store = RocksDbEventStore.open(directory)) {
      long started = System.nanoTime();
      preload(store, events, tags, payloads);
      long preloadNanos = System.nanoTime() - started;
      progress.say(
          "dcb: preloaded %s events over %d types x %s tags in %s",
          Fmt.count(events), TYPES, Fmt.count(tags), Fmt.seconds(preloadNanos));
      List<Pair> pairs = new ArrayList<>();
      for (int writers : WRITERS) {
        WindowTotals unconditional = new WindowTotals();
        WindowTotals conditional = new WindowTotals();
        LongAdder conflicts = new LongAdder();
        for (int round = 1; round <= rounds; round++) {
          // The side that goes first alternates, so neither always follows the other.
          for (boolean checkedSide :
              round % 2 == 1 ? new boolean[] {false, true} : new boolean[] {true, false}) {
            if (!checkedSide) {
              ClosedLoop.Result plain =
                  new ClosedLoop("dcb-plain-" + writers, writers, warmUp, window)
                      .run(index -> () -> store.append(request(tags, payloads)), () -> {});
              unconditional.add(plain);
              progress.say(
                  "dcb round %d, %d writers: unconditional %s events/s p99 %s µs",
                  round, writers, Fmt.rate(plain.perSecond()), Fmt.micros(plain.summary().p99()));
              continue;
            }
            long[] atStart = new long[1];
            LongAdder windowConflicts = new LongAdder();
            ClosedLoop.Result checked =
                new ClosedLoop("dcb-conditional-" + writers, writers, warmUp, window)
                    .run(
                        index -> {
                          int[] turn = {index};
                          return () -> {
                            if (!conditionalAppend(store, tags, payloads, turn[0]++)) {
                              windowConflicts.increment();
                            }
                          };
                        },
                        () -> atStart[0] = windowConflicts.sum());
            conditional.add(checked);
            // Conflicts of the window only (the warm-up's are not counted): an operation that
            // started in the window and ended after it counts, like its latency.
            conflicts.add(windowConflicts.sum() - atStart[0]);
            progress.say(
                "dcb round %d, %d writers: conditional %s appends/s p99 %s µs",
                round, writers, Fmt.rate(checked.perSecond()), Fmt.micros(checked.summary().p99()));
          }
        }
        pairs.add(new Pair(writers, unconditional, conditional, conflicts.sum()));
      }
      Reads reads = reads(store, tags, warmUp, window);
      progress.say(
          "dcb: reads by tag, %d threads: %s reads/s, %s events/s, p99 %s µs",
          reads.threads(),
          Fmt.rate(reads.reads().perSecond()),
          Fmt.rate(reads.eventsPerSecond()),
          Fmt.micros(reads.reads().summary().p99()));
      return new Result(events, tags, preloadNanos, rounds, pairs, reads);
    } finally {
      DataDirectory.deleteTree(directory);
    }
  }

  /**
   * Event {@code i} of the preload: type {@code i mod 10}, tags {@code i mod tags} and {@code (7i +
   * 3) mod tags}; appended in batches by a few threads so the writer builds group commits.
   */
  private static void preload(FactumStore store, long events, int tags, Payloads payloads)
      throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> pending = new ArrayList<>();
      for (long first = 0; first < events; first += PRELOAD_BATCH) {
        long from = first;
        long to = Math.min(events, first + PRELOAD_BATCH);
        pending.add(
            pool.submit(
                () -> {
                  List<EventData> batch = new ArrayList<>((int) (to - from));
                  for (long i = from; i < to; i++) {
                    batch.add(
                        event(
                            (int) (i % TYPES),
                            (int) (i % tags),
                            (int) ((7 * i + 3) % tags),
                            payloads));
                  }
                  store.append("pre-" + (from / PRELOAD_BATCH), ExpectedRevision.any(), batch);
                }));
      }
      for (Future<?> future : pending) {
        try {
          future.get();
        } catch (ExecutionException e) {
          throw new IllegalStateException("the dcb preload failed", e.getCause());
        }
      }
    } finally {
      pool.shutdown();
    }
  }

  private static EventData event(int type, int tagA, int tagB, Payloads payloads) {
    return EventData.json(typeName(type), payloads.next()).withTags(Set.of(tag(tagA), tag(tagB)));
  }

  private static String typeName(int type) {
    return "type-" + type;
  }

  private static String tag(int tag) {
    return "tag-" + tag;
  }

  private record Drawn(int type, int tagA, int tagB) {}

  private static Drawn draw(int tags) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int tagA = random.nextInt(tags);
    int tagB = random.nextInt(tags - 1);
    return new Drawn(random.nextInt(TYPES), tagA, tagB >= tagA ? tagB + 1 : tagB);
  }

  private static AppendRequest request(int tags, Payloads payloads) {
    Drawn drawn = draw(tags);
    return AppendRequest.of(
        stream(),
        ExpectedRevision.any(),
        event(drawn.type(), drawn.tagA(), drawn.tagB(), payloads));
  }

  private static String stream() {
    return "dcb-" + ThreadLocalRandom.current().nextInt(STREAMS);
  }

  /**
   * One decision's append; returns false on a conflict. The query has {@code 1 + turn mod 3} items:
   * (the event's type and first tag), then (its second tag), then (the next type with its first
   * tag).
   */
  private static boolean conditionalAppend(
      FactumStore store, int tags, Payloads payloads, int turn) {
    Drawn drawn = draw(tags);
    List<Query.Item> items = new ArrayList<>(3);
    items.add(Query.Item.types(typeName(drawn.type())).withTags(tag(drawn.tagA())));
    int count = 1 + Math.floorMod(turn, 3);
    if (count >= 2) {
      items.add(Query.Item.tags(tag(drawn.tagB())));
    }
    if (count >= 3) {
      items.add(Query.Item.types(typeName((drawn.type() + 1) % TYPES)).withTags(tag(drawn.tagA())));
    }
    long seen = store.headPosition();
    AppendCondition condition =
        AppendCondition.failIfEventsMatch(Query.of(items.toArray(Query.Item[]::new))).after(seen);
    try {
      store.append(
          AppendRequest.of(
                  stream(),
                  ExpectedRevision.any(),
                  event(drawn.type(), drawn.tagA(), drawn.tagB(), payloads))
              .withCondition(condition));
      return true;
    } catch (AppendConditionFailedException e) {
      return false;
    }
  }

  private static Reads reads(FactumStore store, int tags, Duration warmUp, Duration window)
      throws InterruptedException {
    LongAdder events = new LongAdder();
    long[] atStart = new long[1];
    ClosedLoop.Result result =
        new ClosedLoop("dcb-read", READERS, warmUp, window)
            .run(
                index ->
                    () -> {
                      String tag = tag(ThreadLocalRandom.current().nextInt(tags));
                      var page =
                          store.readByQuery(Query.tags(tag), 0, Direction.FORWARD, READ_LIMIT);
                      for (var event : page.events()) {
                        if (!event.tags().contains(tag)) {
                          throw new IllegalStateException(
                              "a read by tag " + tag + " returned " + event);
                        }
                      }
                      events.add(page.events().size());
                    },
                () -> atStart[0] = events.sum());
    WindowTotals reads = new WindowTotals();
    reads.add(result);
    // Events read from the window's start until the last read ended: off by at most the reads
    // under way as the window opened (one per thread), negligible against a window's reads.
    return new Reads(READERS, reads, events.sum() - atStart[0]);
  }
}
