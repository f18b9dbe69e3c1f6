package dev.factum.bench.compare;

import dev.factum.bench.compare.peers.SharedPostgres;
import dev.factum.bench.compare.targets.DiskTarget;
import dev.factum.bench.compare.targets.KafkaTarget;
import dev.factum.bench.compare.targets.MessageDbTarget;
import dev.factum.bench.load.BenchTarget;
import dev.factum.bench.load.ClosedLoop;
import dev.factum.bench.load.DataDirectory;
import dev.factum.bench.load.DurableAppends;
import dev.factum.bench.load.EntityFill;
import dev.factum.bench.load.Fmt;
import dev.factum.bench.load.MachineFacts;
import dev.factum.bench.load.Payloads;
import dev.factum.bench.load.Progress;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs {@code bin/bench compare}: for each selected system in turn, starts it, runs every workload
 * it supports (durable appends, expected-revision appends under contention, entity loads and the
 * catch-up read from a filled store, and the growth curve), stops it, and gathers the figures.
 *
 * <p>Design note: systems run one after another, never side by side, so each has the whole machine
 * while it is measured; the raw disk runs first, in the same run directory, so the ratios of the
 * report compare figures taken on the same disk minutes apart. Every workload is written once
 * against {@link BenchTarget}.
 *
 * <p>What must stay true: each append variant and the contention workload get a fresh store; every
 * entity load is checked to return exactly its 100 events and every catch-up pass to read the whole
 * log; a system that fails is reported with its failure and the run goes on with the next (so one
 * broken peer does not cost the others' figures); and the run directory is removed whatever
 * happens.
 */
final class CompareRun {
  /**
   * Catch-up passes after the first, timed together: the first pass of a short log (0.07 s for
   * 100,000 events embedded) measures a JIT that has not compiled the read path yet as much as the
   * read itself, so the report gives both.
   */
  private static final int WARM_CATCH_UP_PASSES = 2;

  private CompareRun() {}

  static CompareResults run(CompareOptions options, Progress progress) throws Exception {
    LocalDateTime startedAt = LocalDateTime.now(ZoneId.systemDefault());
    long started = System.nanoTime();
    List<CompareResults.SystemResults> systems = new ArrayList<>();
    Map<String, String> versions = new LinkedHashMap<>();
    try (DataDirectory data = DataDirectory.create(options.dataParent());
        SharedPostgres postgres = new SharedPostgres(progress)) {
      MachineFacts machine = MachineFacts.collect(data.path());
      versions.put("RocksDB (Factum's storage)", MachineFacts.rocksDbVersion());
      versions.put("Kafka (broker and clients)", KafkaTarget.version());
      versions.put("Message DB (npm @eventide/message-db)", MessageDbTarget.VERSION);
      progress.say("data directory %s", data.path());
      for (CompareSystem system : options.systems()) {
        progress.say("== %s ==", system.title());
        systems.add(
            measure(system, data.path().resolve(system.cliName()), postgres, options, progress));
      }
      return new CompareResults(
          options, machine, versions, startedAt, System.nanoTime() - started, systems);
    }
  }

  private static CompareResults.SystemResults measure(
      CompareSystem system,
      Path directory,
      SharedPostgres postgres,
      CompareOptions options,
      Progress progress) {
    Figures figures = new Figures(system);
    try (BenchTarget target = system.start(directory, postgres, progress)) {
      figures.name = target.name();
      figures.setup = target.setup();
      appends(target, options, figures, progress);
      contention(target, options, figures, progress);
      reads(target, options, figures, progress);
    } catch (Exception | Error e) {
      progress.say("%s FAILED: %s", system.title(), e);
      e.printStackTrace(System.err);
      figures.failure = String.valueOf(e);
    }
    return figures.build();
  }

  private static void appends(
      BenchTarget target, CompareOptions options, Figures figures, Progress progress)
      throws Exception {
    if (!target.supports(BenchTarget.Capability.APPEND)) {
      figures.unsupported.put("append", target.whyNot(BenchTarget.Capability.APPEND));
      return;
    }
    for (DurableAppends.Variant variant : DurableAppends.VARIANTS) {
      AppendFigures result;
      if (target instanceof DiskTarget disk) {
        result = disk.ceiling(variant, options.warmUp(), options.window(), progress);
      } else {
        String label = "append-" + variant.writers() + "x" + variant.eventsPerAppend();
        try (BenchTarget.Session session = target.open(label)) {
          result = appendLoop(session, variant, label, options);
        }
      }
      progress.say(
          "appends %d writers x %d events: %s events/s, p50 %s µs, p99 %s µs",
          variant.writers(),
          variant.eventsPerAppend(),
          Fmt.rate(result.eventsPerSecond()),
          Fmt.micros(result.latency().p50()),
          Fmt.micros(result.latency().p99()));
      figures.appends.add(result);
    }
  }

  /** Durable appends of {@code variant} to random entities among 10,000 of {@code session}. */
  static AppendFigures appendLoop(
      BenchTarget.Session session,
      DurableAppends.Variant variant,
      String label,
      CompareOptions options)
      throws InterruptedException {
    Payloads payloads = new Payloads(42);
    String[] entities = DurableAppends.streamNames();
    ClosedLoop.Result run =
        new ClosedLoop(label, variant.writers(), options.warmUp(), options.window())
            .run(
                index -> {
                  BenchTarget.Writer writer = session.writer();
                  return () -> {
                    List<byte[]> bodies = new ArrayList<>(variant.eventsPerAppend());
                    for (int i = 0; i < variant.eventsPerAppend(); i++) {
                      bodies.add(payloads.next());
                    }
                    writer.append(pick(entities), bodies);
                  };
                },
                () -> {});
    return new AppendFigures(
        variant, run.perSecond() * variant.eventsPerAppend(), run.summary(), run);
  }

  private static void contention(
      BenchTarget target, CompareOptions options, Figures figures, Progress progress)
      throws Exception {
    if (!target.supports(BenchTarget.Capability.EXPECTED_REVISION)) {
      figures.unsupported.put(
          "expected revision", target.whyNot(BenchTarget.Capability.EXPECTED_REVISION));
      return;
    }
    int writers = CompareOptions.CONTENTION_WRITERS;
    String[] hot = new String[CompareOptions.HOT_ENTITIES];
    for (int i = 0; i < hot.length; i++) {
      hot[i] = "hot-" + i;
    }
    Payloads payloads = new Payloads(11);
    LongAdder conflicts = new LongAdder();
    long[] conflictsAtStart = new long[1];
    ClosedLoop.Result run;
    try (BenchTarget.Session session = target.open("contention")) {
      run =
          new ClosedLoop("contention", writers, options.warmUp(), options.window())
              .run(
                  index -> {
                    BenchTarget.Writer writer = session.writer();
                    long[] known = new long[hot.length];
                    Arrays.fill(known, -1);
                    return () -> {
                      int i = ThreadLocalRandom.current().nextInt(hot.length);
                      BenchTarget.Outcome outcome =
                          writer.appendExpecting(hot[i], known[i], payloads.next());
                      if (!outcome.written()) {
                        conflicts.increment();
                      }
                      known[i] = outcome.revision();
                    };
                  },
                  () -> conflictsAtStart[0] = conflicts.sum());
    }
    CompareResults.Contention result =
        new CompareResults.Contention(
            writers,
            hot.length,
            run.operations(),
            Math.min(run.operations(), conflicts.sum() - conflictsAtStart[0]),
            run);
    progress.say(
        "expected-revision appends, %d writers on %d entities: %s written/s, conflict rate %s",
        writers,
        hot.length,
        Fmt.rate(result.writtenPerSecond()),
        Fmt.decimal(100 * result.conflictRate()) + "%");
    figures.contention = result;
  }

  private static void reads(
      BenchTarget target, CompareOptions options, Figures figures, Progress progress)
      throws Exception {
    figures.loadsSupported = target.supports(BenchTarget.Capability.ENTITY_LOAD);
    figures.catchUpSupported = target.supports(BenchTarget.Capability.CATCH_UP);
    if (!figures.loadsSupported) {
      figures.unsupported.put("entity load", target.whyNot(BenchTarget.Capability.ENTITY_LOAD));
    }
    if (!figures.catchUpSupported) {
      figures.unsupported.put("catch-up", target.whyNot(BenchTarget.Capability.CATCH_UP));
    }
    if (!figures.loadsSupported && !figures.catchUpSupported) {
      return;
    }
    int entities = Math.toIntExact(options.loadEvents() / EntityFill.EVENTS_PER_ENTITY);
    try (BenchTarget.Session session = target.open("reads")) {
      progress.say("filling a store of %s events", Fmt.count(options.loadEvents()));
      EntityFill.Result fill = EntityFill.fill(session::writer, 0, entities, progress);
      progress.say(
          "filled %s events in %s: %s events/s",
          Fmt.count(fill.events()),
          Fmt.seconds(fill.elapsedNanos()),
          Fmt.rate(fill.eventsPerSecond()));
      ClosedLoop.Result loads = null;
      if (figures.loadsSupported) {
        loads = loadLoop(session, entities, "entity-load", options);
        progress.say(
            "entity loads: %s loads/s, p50 %s µs, p99 %s µs",
            Fmt.rate(loads.perSecond()),
            Fmt.micros(loads.summary().p50()),
            Fmt.micros(loads.summary().p99()));
      }
      long catchUpEvents = 0;
      long catchUpNanos = 0;
      long warmNanos = 0;
      if (figures.catchUpSupported) {
        catchUpNanos = catchUpPass(session, options);
        for (int pass = 0; pass < WARM_CATCH_UP_PASSES; pass++) {
          warmNanos += catchUpPass(session, options);
        }
        catchUpEvents = options.loadEvents();
        progress.say(
            "catch-up: %s events, first pass in %s: %s events/s; passes 2-%d: %s events/s",
            Fmt.count(catchUpEvents),
            Fmt.seconds(catchUpNanos),
            Fmt.rate(catchUpEvents / (catchUpNanos / 1e9)),
            WARM_CATCH_UP_PASSES + 1,
            Fmt.rate(WARM_CATCH_UP_PASSES * catchUpEvents / (warmNanos / 1e9)));
      }
      figures.reads =
          new CompareResults.Reads(
              options.loadEvents(),
              fill,
              loads,
              catchUpEvents,
              catchUpNanos,
              WARM_CATCH_UP_PASSES,
              warmNanos);
      if (options.growthSystems().contains(figures.system)
          && figures.loadsSupported
          && target.supports(BenchTarget.Capability.APPEND)) {
        growth(session, entities, options, figures, progress);
      }
    }
  }

  /**
   * One catch-up of the whole log by a new reader, checked to read every event; its nanoseconds.
   */
  private static long catchUpPass(BenchTarget.Session session, CompareOptions options)
      throws Exception {
    long start = System.nanoTime();
    long events = session.catchUp();
    long nanos = System.nanoTime() - start;
    if (events != options.loadEvents()) {
      throw new IllegalStateException(
          "the catch-up read " + events + " events of " + options.loadEvents());
    }
    return nanos;
  }

  /**
   * The growth curve on the filled store: at each size, 64 writers append single events (to the
   * 10,000 entities of the append workload) and one thread loads random filled entities; then the
   * store is filled up to the next size.
   */
  private static void growth(
      BenchTarget.Session session,
      int filledEntities,
      CompareOptions options,
      Figures figures,
      Progress progress)
      throws Exception {
    DurableAppends.Variant variant = new DurableAppends.Variant(64, 1);
    int entities = filledEntities;
    for (long step : options.growthSteps()) {
      int target = Math.toIntExact(step / EntityFill.EVENTS_PER_ENTITY);
      if (target > entities) {
        progress.say("growing the store to %s events", Fmt.count(step));
        EntityFill.fill(session::writer, entities, target - entities, progress);
        entities = target;
      }
      AppendFigures appends = appendLoop(session, variant, "growth-append", options);
      ClosedLoop.Result loads = loadLoop(session, entities, "growth-load", options);
      progress.say(
          "growth, %s events: appends %s events/s, loads p50 %s µs, p99 %s µs",
          Fmt.count(step),
          Fmt.rate(appends.eventsPerSecond()),
          Fmt.micros(loads.summary().p50()),
          Fmt.micros(loads.summary().p99()));
      figures.growth.add(new CompareResults.GrowthPoint(step, appends, loads));
    }
  }

  /** One thread loading random entities among the first {@code entities}, each checked. */
  private static ClosedLoop.Result loadLoop(
      BenchTarget.Session session, int entities, String label, CompareOptions options)
      throws InterruptedException {
    return new ClosedLoop(label, 1, options.warmUp(), options.window())
        .run(
            index -> {
              BenchTarget.Reader reader = session.reader();
              return () -> {
                String entity =
                    EntityFill.entityName(ThreadLocalRandom.current().nextInt(entities));
                int loaded = reader.load(entity);
                if (loaded != EntityFill.EVENTS_PER_ENTITY) {
                  throw new IllegalStateException(
                      entity
                          + " loaded "
                          + loaded
                          + " events, not "
                          + EntityFill.EVENTS_PER_ENTITY);
                }
              };
            },
            () -> {});
  }

  private static String pick(String[] entities) {
    return entities[ThreadLocalRandom.current().nextInt(entities.length)];
  }

  /** One system's figures as they are gathered. */
  private static final class Figures {
    final CompareSystem system;
    String name;
    String setup = "";
    final List<AppendFigures> appends = new ArrayList<>();
    CompareResults.Contention contention;
    CompareResults.Reads reads;
    boolean loadsSupported;
    boolean catchUpSupported;
    final List<CompareResults.GrowthPoint> growth = new ArrayList<>();
    final Map<String, String> unsupported = new LinkedHashMap<>();
    String failure;

    Figures(CompareSystem system) {
      this.system = system;
      this.name = system.title();
    }

    CompareResults.SystemResults build() {
      return new CompareResults.SystemResults(
          system,
          name,
          setup,
          appends,
          contention,
          reads,
          loadsSupported,
          catchUpSupported,
          growth,
          unsupported,
          failure);
    }
  }
}
