package dev.factum.bench.compare.report;

import dev.factum.bench.compare.AppendFigures;
import dev.factum.bench.compare.CompareOptions;
import dev.factum.bench.compare.CompareResults;
import dev.factum.bench.compare.CompareSystem;
import dev.factum.bench.compare.targets.KafkaTarget;
import dev.factum.bench.load.ClosedLoop;
import dev.factum.bench.load.DurableAppends;
import dev.factum.bench.load.EntityFill;
import dev.factum.bench.load.Fmt;
import dev.factum.bench.load.LatencySummary;
import dev.factum.bench.load.Payloads;
import dev.factum.bench.report.MarkdownTable;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * Renders a {@link CompareResults} as Markdown: how it was measured (command, machine, versions,
 * each system's setup), one table per workload with every figure next to its ratio against the same
 * run's baseline (the raw disk's ceiling for writes, Factum embedded for reads), the goals, and the
 * charts ({@link CompareCharts}) by their file names.
 *
 * <p>What must stay true: every number printed comes from the results; a workload a system cannot
 * do reads as its reason ("not supported: …"), a missing baseline as "n/a", a failed system as its
 * failure, never a made-up value.
 */
public final class CompareReport {
  static final List<String> VARIANT_LABELS =
      DurableAppends.VARIANTS.stream().map(CompareReport::label).toList();

  private CompareReport() {}

  static String label(DurableAppends.Variant variant) {
    return variant.writers() + " × " + variant.eventsPerAppend();
  }

  public static String markdown(CompareResults results, List<String> charts) {
    StringBuilder out = new StringBuilder();
    CompareOptions options = results.options();
    out.append("# Factum and the alternatives, ")
        .append(results.startedAt().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")))
        .append("\n\n");
    out.append("Command: `bin/bench compare");
    for (String argument : options.arguments()) {
      out.append(' ').append(argument);
    }
    out.append("`  \nWindows: ")
        .append(Fmt.seconds(options.window().toNanos()))
        .append(" per measurement after ")
        .append(Fmt.seconds(options.warmUp().toNanos()))
        .append(" of warm-up. Whole run: ")
        .append(Fmt.seconds(results.elapsedNanos()))
        .append(".\n\n");
    if (options.smoke()) {
      out.append("**Smoke run**: tiny sizes and short windows; the figures only show that every")
          .append(" workload works.\n\n");
    }
    machine(out, results);
    setups(out, results);
    appends(out, results);
    latency(out, results);
    contention(out, results);
    loads(out, results);
    catchUp(out, results);
    growth(out, results);
    goals(out, results);
    if (!charts.isEmpty()) {
      out.append("## Charts\n\n");
      for (String chart : charts) {
        out.append("![").append(chart).append("](").append(chart).append(")\n\n");
      }
    }
    return out.toString();
  }

  private static void machine(StringBuilder out, CompareResults results) {
    out.append("## Machine and versions\n\n");
    MarkdownTable table = MarkdownTable.text("fact", "value");
    for (Map.Entry<String, String> fact : results.machine().facts().entrySet()) {
      table.row(fact.getKey(), fact.getValue());
    }
    for (Map.Entry<String, String> version : results.versions().entrySet()) {
      table.row(version.getKey(), version.getValue());
    }
    out.append(table.render()).append('\n');
  }

  private static void setups(StringBuilder out, CompareResults results) {
    out.append("## Systems\n\n");
    MarkdownTable table = MarkdownTable.text("system", "setup", "not supported");
    for (CompareResults.SystemResults system : results.systems()) {
      StringBuilder unsupported = new StringBuilder();
      for (Map.Entry<String, String> entry : system.unsupported().entrySet()) {
        unsupported.append(unsupported.isEmpty() ? "" : "; ").append(entry.getKey());
        unsupported.append(": ").append(entry.getValue());
      }
      table.row(
          system.name(),
          system.failure() == null
              ? system.setup()
              : system.setup() + " **FAILED: " + system.failure() + "**",
          unsupported.toString());
    }
    out.append(table.render()).append('\n');
  }

  private static void appends(StringBuilder out, CompareResults results) {
    out.append("## 1. Durable appends: events/s (÷ the disk ceiling)\n\n")
        .append("W writers × E events per append: W threads, each appending E events of ")
        .append(Payloads.SIZE)
        .append(" bytes to a random entity among ")
        .append(Fmt.count(DurableAppends.STREAMS))
        .append(" and waiting for the acknowledgement, in a closed loop; 64 × 10 is the")
        .append(" batching client. The disk ceiling of W × E is one thread appending W × E × ")
        .append(Payloads.SIZE)
        .append(" bytes per fdatasync (the ideal group commit).\n\n");
    String[] header = new String[VARIANT_LABELS.size() + 1];
    header[0] = "system";
    for (int i = 0; i < VARIANT_LABELS.size(); i++) {
      header[i + 1] = VARIANT_LABELS.get(i);
    }
    MarkdownTable table = new MarkdownTable(header);
    CompareResults.SystemResults disk = results.of(CompareSystem.DISK);
    for (CompareResults.SystemResults system : results.systems()) {
      String[] row = new String[header.length];
      row[0] = system.name();
      for (int i = 0; i < DurableAppends.VARIANTS.size(); i++) {
        DurableAppends.Variant variant = DurableAppends.VARIANTS.get(i);
        AppendFigures figures = system.append(variant);
        if (figures == null) {
          row[i + 1] = missing(system, "append");
        } else {
          row[i + 1] =
              Fmt.rate(figures.eventsPerSecond())
                  + " ("
                  + Fmt.ratio(figures.eventsPerSecond(), diskRate(disk, variant))
                  + ")";
        }
      }
      table.row(row);
    }
    out.append(table.render()).append('\n');
  }

  private static void latency(StringBuilder out, CompareResults results) {
    out.append("## 2. Durable append latency, µs (÷ the disk's fsync at the same volume)\n\n")
        .append("Per append, from the call until the acknowledgement; for the disk, one fsync of")
        .append(" the W × E events' bytes.\n\n");
    MarkdownTable table =
        new MarkdownTable("system", "W × E", "p50", "p99", "p99.9", "p50 ÷ disk", "p99 ÷ disk");
    CompareResults.SystemResults disk = results.of(CompareSystem.DISK);
    for (CompareResults.SystemResults system : results.systems()) {
      for (AppendFigures figures : system.appends()) {
        LatencySummary latency = figures.latency();
        AppendFigures base = disk == null ? null : disk.append(figures.variant());
        table.row(
            system.name(),
            label(figures.variant()),
            Fmt.micros(latency.p50()),
            Fmt.micros(latency.p99()),
            Fmt.micros(latency.p999()),
            base == null ? "n/a" : Fmt.ratio(latency.p50(), base.latency().p50()),
            base == null ? "n/a" : Fmt.ratio(latency.p99(), base.latency().p99()));
      }
    }
    out.append(table.render()).append('\n');
  }

  private static void contention(StringBuilder out, CompareResults results) {
    out.append("## 3. Appends with an expected revision, under contention\n\n")
        .append(CompareOptions.CONTENTION_WRITERS)
        .append(" writers append one event at a time to random entities among ")
        .append(CompareOptions.HOT_ENTITIES)
        .append(" hot ones, each expecting the revision it last saw; a refused append (conflict)")
        .append(" tells the writer the actual revision, which it expects next time. The ceiling")
        .append(" is the disk's for ")
        .append(CompareOptions.CONTENTION_WRITERS)
        .append(" × 1.\n\n");
    MarkdownTable table =
        new MarkdownTable(
            "system",
            "written/s",
            "attempts/s",
            "conflict rate",
            "p50 µs",
            "p99 µs",
            "written/s ÷ disk ceiling");
    CompareResults.SystemResults disk = results.of(CompareSystem.DISK);
    double ceiling = diskRate(disk, new DurableAppends.Variant(16, 1));
    for (CompareResults.SystemResults system : results.systems()) {
      if (system.system() == CompareSystem.DISK) {
        continue;
      }
      CompareResults.Contention c = system.contention();
      if (c == null) {
        String why = missing(system, "expected revision");
        table.row(system.name(), why, "", "", "", "", "");
        continue;
      }
      table.row(
          system.name(),
          Fmt.rate(c.writtenPerSecond()),
          Fmt.rate(c.run().perSecond()),
          Fmt.decimal(100 * c.conflictRate()) + "%",
          Fmt.micros(c.run().summary().p50()),
          Fmt.micros(c.run().summary().p99()),
          Fmt.ratio(c.writtenPerSecond(), ceiling));
    }
    out.append(table.render()).append('\n');
  }

  private static void loads(StringBuilder out, CompareResults results) {
    out.append("## 4. Loading one entity's ")
        .append(EntityFill.EVENTS_PER_ENTITY)
        .append(" events from a store of ")
        .append(Fmt.count(results.options().loadEvents()))
        .append(" events (÷ Factum embedded)\n\n")
        .append("The store is filled with entities of exactly ")
        .append(EntityFill.EVENTS_PER_ENTITY)
        .append(" events (one append of 100 per entity, ")
        .append(EntityFill.APPENDERS)
        .append(" concurrent appenders); then one thread loads random entities, each load")
        .append(" checked to return 100 events. Kafka: a consumer seeks to the start of the")
        .append(" entity's partition and reads it to its end, keeping the entity's records (")
        .append(KafkaTarget.PARTITIONS)
        .append(" partitions).\n\n");
    MarkdownTable table =
        new MarkdownTable(
            "system",
            "fill events/s",
            "loads/s",
            "p50 µs",
            "p99 µs",
            "p99.9 µs",
            "loads/s ÷ Factum embedded",
            "p50 ÷ Factum embedded");
    ClosedLoop.Result base = baseLoads(results);
    for (CompareResults.SystemResults system : results.systems()) {
      if (system.system() == CompareSystem.DISK) {
        continue;
      }
      CompareResults.Reads reads = system.reads();
      if (reads == null || reads.loads() == null) {
        table.row(system.name(), missing(system, "entity load"), "", "", "", "", "", "");
        continue;
      }
      LatencySummary latency = reads.loads().summary();
      table.row(
          system.name(),
          Fmt.rate(reads.fill().eventsPerSecond()),
          Fmt.rate(reads.loads().perSecond()),
          Fmt.micros(latency.p50()),
          Fmt.micros(latency.p99()),
          Fmt.micros(latency.p999()),
          base == null ? "n/a" : Fmt.ratio(reads.loads().perSecond(), base.perSecond()),
          base == null ? "n/a" : Fmt.ratio(latency.p50(), base.summary().p50()));
    }
    out.append(table.render()).append('\n');
  }

  private static void catchUp(StringBuilder out, CompareResults results) {
    out.append("## 5. Catch-up: a new consumer reads the whole log (÷ Factum embedded)\n\n")
        .append("The store of section 4, read from its start by a new reader, three times in a")
        .append(" row: Factum pages of 1,000 events of the global log (every position checked),")
        .append(" Kafka a new consumer of all partitions up to their end offsets. The first pass")
        .append(" runs code the process has not compiled yet (its reads, for Factum over HTTP")
        .append(" also the server's and client's, are partly warmed by the entity loads); the")
        .append(" second and third, timed together, run it compiled.\n\n");
    MarkdownTable table =
        new MarkdownTable(
            "system",
            "events",
            "first pass",
            "events/s",
            "÷ base",
            "passes 2–3 events/s",
            "÷ base");
    CompareResults.SystemResults factum = results.of(CompareSystem.FACTUM_EMBEDDED);
    boolean hasBase = factum != null && factum.reads() != null && factum.catchUpSupported();
    double base = hasBase ? factum.reads().catchUpEventsPerSecond() : Double.NaN;
    double warmBase = hasBase ? factum.reads().warmCatchUpEventsPerSecond() : Double.NaN;
    for (CompareResults.SystemResults system : results.systems()) {
      if (system.system() == CompareSystem.DISK) {
        continue;
      }
      CompareResults.Reads reads = system.reads();
      if (reads == null || !system.catchUpSupported()) {
        table.row(system.name(), missing(system, "catch-up"), "", "", "", "", "");
        continue;
      }
      table.row(
          system.name(),
          Fmt.count(reads.catchUpEvents()),
          Fmt.seconds(reads.catchUpNanos()),
          Fmt.rate(reads.catchUpEventsPerSecond()),
          Fmt.ratio(reads.catchUpEventsPerSecond(), base),
          Fmt.rate(reads.warmCatchUpEventsPerSecond()),
          Fmt.ratio(reads.warmCatchUpEventsPerSecond(), warmBase));
    }
    out.append(table.render()).append('\n');
  }

  private static void growth(StringBuilder out, CompareResults results) {
    out.append("## 6. Growth\n\n")
        .append("The store of section 4, grown by filling more entities; at each size 64")
        .append(" writers append single events for a window (÷ the disk ceiling of 64 × 1), then")
        .append(" one thread loads random entities (÷ the same system at the first size).\n\n");
    MarkdownTable table =
        new MarkdownTable(
            "system",
            "store events",
            "append events/s",
            "÷ disk",
            "load p50 µs",
            "load p99 µs",
            "load p99 ÷ first size");
    double ceiling = diskRate(results.of(CompareSystem.DISK), new DurableAppends.Variant(64, 1));
    boolean any = false;
    for (CompareResults.SystemResults system : results.systems()) {
      if (system.growth().isEmpty()) {
        continue;
      }
      any = true;
      double first = system.growth().getFirst().loads().summary().p99();
      for (CompareResults.GrowthPoint point : system.growth()) {
        LatencySummary load = point.loads().summary();
        table.row(
            system.name(),
            Fmt.count(point.storeEvents()),
            Fmt.rate(point.appends().eventsPerSecond()),
            Fmt.ratio(point.appends().eventsPerSecond(), ceiling),
            Fmt.micros(load.p50()),
            Fmt.micros(load.p99()),
            Fmt.ratio(load.p99(), first));
      }
    }
    out.append(any ? table.render() : "No growth curve in this run.\n").append('\n');
  }

  private static void goals(StringBuilder out, CompareResults results) {
    out.append("## Goals\n\n");
    MarkdownTable table = new MarkdownTable("goal", "measured", "ratio", "met");
    DurableAppends.Variant w64 = new DurableAppends.Variant(64, 1);
    DurableAppends.Variant batching = new DurableAppends.Variant(64, 10);
    double factum64 = rate(results, CompareSystem.FACTUM_EMBEDDED, w64);
    goal(
        table,
        "Factum embedded within 2× of the disk ceiling, 64 writers (ratio ≥ 0.5×)",
        Fmt.rate(factum64)
            + " vs "
            + Fmt.rate(rate(results, CompareSystem.DISK, w64))
            + " events/s",
        factum64,
        rate(results, CompareSystem.DISK, w64),
        0.5);
    goal(
        table,
        "Factum embedded ≥ 2× Kafka flush per write, 64 writers",
        Fmt.rate(factum64)
            + " vs "
            + Fmt.rate(rate(results, CompareSystem.KAFKA_FLUSH, w64))
            + " events/s",
        factum64,
        rate(results, CompareSystem.KAFKA_FLUSH, w64),
        2);
    double factumBatching = rate(results, CompareSystem.FACTUM_EMBEDDED, batching);
    goal(
        table,
        "Factum embedded ≥ 2× Kafka flush per write, batching clients (64 × 10)",
        Fmt.rate(factumBatching)
            + " vs "
            + Fmt.rate(rate(results, CompareSystem.KAFKA_FLUSH, batching))
            + " events/s",
        factumBatching,
        rate(results, CompareSystem.KAFKA_FLUSH, batching),
        2);
    double kafkaBest = bestRate(results.of(CompareSystem.KAFKA));
    goal(
        table,
        "Factum embedded with batching clients (64 × 10) ≥ Kafka default flushing (its best row)",
        Fmt.rate(factumBatching) + " vs " + Fmt.rate(kafkaBest) + " events/s",
        factumBatching,
        kafkaBest,
        1);
    ClosedLoop.Result factumLoads = baseLoads(results);
    ClosedLoop.Result kafkaLoads = loadsOf(results.of(CompareSystem.KAFKA));
    double factumLoadRate = factumLoads == null ? Double.NaN : factumLoads.perSecond();
    double kafkaLoadRate = kafkaLoads == null ? Double.NaN : kafkaLoads.perSecond();
    goal(
        table,
        "entity load ≥ 100× faster than the Kafka way (loads/s, 1 thread)",
        Fmt.rate(factumLoadRate) + " vs " + Fmt.rate(kafkaLoadRate) + " loads/s",
        factumLoadRate,
        kafkaLoadRate,
        100);
    double onPostgres = rate(results, CompareSystem.FACTUM_POSTGRES, w64);
    double messageDb = rate(results, CompareSystem.MESSAGE_DB, w64);
    goal(
        table,
        "Factum on PostgreSQL ≥ 10× Message DB, durable appends, 64 writers",
        Fmt.rate(onPostgres) + " vs " + Fmt.rate(messageDb) + " events/s",
        onPostgres,
        messageDb,
        10);
    out.append(table.render()).append('\n');
  }

  private static void goal(
      MarkdownTable table,
      String goal,
      String measured,
      double value,
      double reference,
      double threshold) {
    boolean known = reference > 0 && value > 0;
    table.row(
        goal,
        known ? measured : "not measured in this run",
        Fmt.ratio(value, reference),
        !known ? "n/a" : value / reference >= threshold ? "yes" : "**no**");
  }

  static double rate(CompareResults results, CompareSystem system, DurableAppends.Variant v) {
    CompareResults.SystemResults figures = results.of(system);
    AppendFigures append = figures == null ? null : figures.append(v);
    return append == null ? Double.NaN : append.eventsPerSecond();
  }

  private static double bestRate(CompareResults.SystemResults system) {
    if (system == null) {
      return Double.NaN;
    }
    double best = Double.NaN;
    for (AppendFigures figures : system.appends()) {
      if (!(figures.eventsPerSecond() <= best)) {
        best = figures.eventsPerSecond();
      }
    }
    return best;
  }

  private static double diskRate(
      CompareResults.SystemResults disk, DurableAppends.Variant variant) {
    AppendFigures figures = disk == null ? null : disk.append(variant);
    return figures == null ? Double.NaN : figures.eventsPerSecond();
  }

  private static ClosedLoop.Result baseLoads(CompareResults results) {
    return loadsOf(results.of(CompareSystem.FACTUM_EMBEDDED));
  }

  private static ClosedLoop.Result loadsOf(CompareResults.SystemResults system) {
    return system == null || system.reads() == null ? null : system.reads().loads();
  }

  /** What a missing figure means: the system's reason, its failure, or not run. */
  private static String missing(CompareResults.SystemResults system, String workload) {
    String why = system.unsupported().get(workload);
    if (why != null) {
      return why;
    }
    return system.failure() != null ? "failed" : "not run";
  }
}
