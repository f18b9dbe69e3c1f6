package dev.factum.bench.report;

import dev.factum.bench.BenchReport;
import dev.factum.bench.Targets;
import dev.factum.bench.load.DiskBaseline;
import dev.factum.bench.load.DurableAppends;
import dev.factum.bench.load.Fmt;
import dev.factum.bench.load.LatencySummary;
import dev.factum.bench.load.LoadedStore;
import dev.factum.bench.load.LogCatchUp;
import dev.factum.bench.load.MachineFacts;
import dev.factum.bench.load.Payloads;
import dev.factum.bench.load.Quiesce;
import dev.factum.bench.load.StreamLoad;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * Renders a {@link BenchReport} as Markdown: machine facts, then one table per workload, then the
 * targets. Write figures carry ratios against the same run's raw-disk baseline, read figures
 * against the targets, so two runs on a noisy machine can be compared by their ratios.
 *
 * <p>What must stay true: every number printed comes from the report; where a reference is missing
 * (workload not run) the ratio reads "n/a" rather than a made-up value.
 */
public final class ReportFormatter {
  private ReportFormatter() {}

  public static String markdown(BenchReport report) {
    StringBuilder out = new StringBuilder();
    out.append("# Factum benchmark, ")
        .append(report.startedAt().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")))
        .append("\n\n");
    out.append("Command: `bin/bench");
    for (String argument : report.options().arguments()) {
      out.append(' ').append(argument);
    }
    out.append("`  \n");
    out.append("Windows: ")
        .append(Fmt.seconds(report.options().window().toNanos()))
        .append(" per measurement after ")
        .append(Fmt.seconds(report.options().warmUp().toNanos()))
        .append(" of warm-up; raw disk ")
        .append(Fmt.seconds(report.options().diskWindow().toNanos()))
        .append(" per chunk size. Whole run: ")
        .append(Fmt.seconds(report.elapsedNanos()))
        .append(".\n\n");
    if (report.options().smoke()) {
      out.append("**Smoke run**: tiny sizes and short windows; the figures only show that every")
          .append(" workload works.\n\n");
    }
    machine(out, report.machine());
    if (!report.disk().isEmpty()) {
      disk(out, report);
    }
    if (!report.appends().isEmpty()) {
      appends(out, report);
    }
    if (report.build() != null) {
      build(out, report);
    }
    if (!report.streamLoads().isEmpty()) {
      streamLoads(out, report);
    }
    if (report.catchUp() != null) {
      catchUp(out, report);
    }
    HttpReportSections.render(out, report);
    ComparedSections.render(out, report);
    targets(out, report);
    return out.toString();
  }

  private static void machine(StringBuilder out, MachineFacts machine) {
    out.append("## Machine\n\n");
    MarkdownTable table = MarkdownTable.text("fact", "value");
    for (Map.Entry<String, String> fact : machine.facts().entrySet()) {
      table.row(fact.getKey(), fact.getValue());
    }
    out.append(table.render()).append('\n');
  }

  private static void disk(StringBuilder out, BenchReport report) {
    out.append("## 1. Raw disk baseline (the physical ceiling)\n\n")
        .append("One thread appends a chunk to a file in the data directory and calls")
        .append(" `FileChannel.force(false)` (fdatasync), in a loop.\n\n");
    MarkdownTable table =
        new MarkdownTable("chunk", "fsyncs/s", "MiB/s", "p50 µs", "p99 µs", "p99.9 µs");
    for (DiskBaseline.Result result : report.disk()) {
      LatencySummary latency = result.latency();
      table.row(
          (result.chunkBytes() >> 10) + " KiB",
          Fmt.rate(result.fsyncsPerSecond()),
          Fmt.mebibytes(result.bytesPerSecond()),
          Fmt.micros(latency.p50()),
          Fmt.micros(latency.p99()),
          Fmt.micros(latency.p999()));
    }
    out.append(table.render()).append('\n');
  }

  private static void appends(StringBuilder out, BenchReport report) {
    out.append("## 2. Durable appends\n\n")
        .append("Writers (platform threads) append ")
        .append(Payloads.SIZE)
        .append("-byte JSON events to random streams among ")
        .append(Fmt.count(DurableAppends.STREAMS))
        .append(" with `ExpectedRevision.any()`, each waiting for its append to be durable.")
        .append(" A batch is one group commit (one RocksDB write with sync=true); \"avg commit\"")
        .append(" is the writer's mean time inside that storage commit. Each row is")
        .append(" compared with the raw-disk row of the smallest chunk that holds the batch's")
        .append(" event data (a lower bound of what the commit writes: the WAL also carries")
        .append(" record headers and index entries). \"CPU µs/event\" is the process's CPU time")
        .append(" in the window (the load threads' included) per committed event; \"writer\" the")
        .append(" writer thread's alone.\n\n");
    MarkdownTable table =
        new MarkdownTable(
            "writers × events/append",
            "events/s",
            "appends/s",
            "commits/s",
            "avg batch (events)",
            "avg commit µs",
            "CPU µs/event",
            "writer CPU µs/event",
            "p50 µs",
            "p99 µs",
            "p99.9 µs",
            "disk row",
            "commits/s ÷ disk fsyncs/s",
            "avg commit ÷ disk p50",
            "p50 ÷ disk p50",
            "p99 ÷ disk p99");
    for (DurableAppends.Result result : report.appends()) {
      LatencySummary latency = result.latency();
      DiskBaseline.Result disk =
          report.diskBaselineFor(result.averageBatchEvents() * Payloads.SIZE);
      table.row(
          result.variant().writers() + " × " + result.variant().eventsPerAppend(),
          Fmt.rate(result.eventsPerSecond()),
          Fmt.rate(result.appendsPerSecond()),
          Fmt.rate(result.commitsPerSecond()),
          Fmt.decimal(result.averageBatchEvents()),
          Fmt.micros(result.averageCommitMicros()),
          Fmt.decimal(result.processCpuMicrosPerEvent()),
          Fmt.decimal(result.writerCpuMicrosPerEvent()),
          Fmt.micros(latency.p50()),
          Fmt.micros(latency.p99()),
          Fmt.micros(latency.p999()),
          disk == null ? "n/a" : (disk.chunkBytes() >> 10) + " KiB",
          disk == null ? "n/a" : Fmt.ratio(result.commitsPerSecond(), disk.fsyncsPerSecond()),
          disk == null ? "n/a" : Fmt.ratio(result.averageCommitMicros(), disk.latency().p50()),
          disk == null ? "n/a" : Fmt.ratio(latency.p50(), disk.latency().p50()),
          disk == null ? "n/a" : Fmt.ratio(latency.p99(), disk.latency().p99()));
    }
    out.append(table.render()).append('\n');
  }

  private static void build(StringBuilder out, BenchReport report) {
    LoadedStore.BuildResult build = report.build();
    DiskBaseline.Result disk = report.largestDiskBaseline();
    out.append("## 3a. Building the stream-load store\n\n")
        .append("Appends of ")
        .append(LoadedStore.EVENTS_PER_STREAM)
        .append(" events, one per stream `load-<i>`, from concurrent appenders; durable like")
        .append(" every append. Before the reads, the run waits until the store's files stop")
        .append(" changing (RocksDB's background flushes and compactions), up to a bound.\n\n");
    MarkdownTable table =
        new MarkdownTable(
            "events",
            "streams",
            "elapsed",
            "events/s",
            "event data MiB/s",
            "÷ disk MiB/s",
            "store on disk",
            "settled before reads");
    table.row(
        Fmt.count(build.events()),
        Fmt.count(build.streams()),
        Fmt.seconds(build.elapsedNanos()),
        Fmt.rate(build.eventsPerSecond()),
        Fmt.mebibytes(build.dataBytesPerSecond()),
        disk == null
            ? "n/a"
            : Fmt.ratio(build.dataBytesPerSecond(), disk.bytesPerSecond())
                + " ("
                + (disk.chunkBytes() >> 10)
                + " KiB row)",
        report.settle() == null ? "n/a" : Fmt.gibibytes(report.settle().bytesOnDisk()),
        settled(report.settle()));
    out.append(table.render()).append('\n');
  }

  private static String settled(Quiesce.Outcome settle) {
    if (settle == null) {
      return "n/a";
    }
    return (settle.settled() ? "after " : "no, read after ") + Fmt.seconds(settle.waitedNanos());
  }

  private static void streamLoads(StringBuilder out, BenchReport report) {
    out.append("## 3b. Stream load\n\n")
        .append("Threads load random whole streams of the store above:")
        .append(" `readStream(stream, 0, FORWARD, 100)`, each checked to return 100 events.")
        .append(" Target: p99 under 1 ms.\n\n");
    MarkdownTable table =
        new MarkdownTable(
            "threads",
            "loads/s",
            "events/s",
            "p50 µs",
            "p99 µs",
            "p99.9 µs",
            "p99 ÷ target",
            "target met");
    for (StreamLoad.Result result : report.streamLoads()) {
      LatencySummary latency = result.latency();
      table.row(
          Integer.toString(result.threads()),
          Fmt.rate(result.loadsPerSecond()),
          Fmt.rate(result.loadsPerSecond() * LoadedStore.EVENTS_PER_STREAM),
          Fmt.micros(latency.p50()),
          Fmt.micros(latency.p99()),
          Fmt.micros(latency.p999()),
          Fmt.ratio(latency.p99(), Targets.STREAM_LOAD_P99_MICROS),
          met(latency.p99() < Targets.STREAM_LOAD_P99_MICROS));
    }
    out.append(table.render()).append('\n');
  }

  private static void catchUp(StringBuilder out, BenchReport report) {
    LogCatchUp.Result result = report.catchUp();
    out.append("## 4. Global log catch-up\n\n")
        .append("The whole log from position 0, once each way, every position checked in order.")
        .append(" Target: at least 1,000,000 events/s.\n\n");
    MarkdownTable table =
        new MarkdownTable("how", "events", "elapsed", "events/s", "÷ target", "target met");
    catchUpRow(
        table,
        "readAll pages of "
            + Fmt.count(LogCatchUp.PAGE)
            + " ("
            + Fmt.count(result.read().pages())
            + " pages)",
        result.read());
    catchUpRow(table, "subscription `toAll()` until caught up", result.subscription());
    out.append(table.render()).append('\n');
  }

  private static void catchUpRow(MarkdownTable table, String how, LogCatchUp.Pass pass) {
    table.row(
        how,
        Fmt.count(pass.events()),
        Fmt.seconds(pass.elapsedNanos()),
        Fmt.rate(pass.eventsPerSecond()),
        Fmt.ratio(pass.eventsPerSecond(), Targets.CATCH_UP_EVENTS_PER_SECOND),
        met(pass.eventsPerSecond() >= Targets.CATCH_UP_EVENTS_PER_SECOND));
  }

  private static void targets(StringBuilder out, BenchReport report) {
    MarkdownTable table = new MarkdownTable("target", "measured", "ratio", "met");
    boolean any = false;
    for (DurableAppends.Result result : report.appends()) {
      if (result.variant().writers() == 64 && result.variant().eventsPerAppend() == 1) {
        any = true;
        table.row(
            "durable appends, 64 writers, 1 event/append: ≥ 100,000 events/s",
            Fmt.rate(result.eventsPerSecond()) + " events/s",
            Fmt.ratio(result.eventsPerSecond(), Targets.APPEND_EVENTS_PER_SECOND_64_WRITERS),
            met(result.eventsPerSecond() >= Targets.APPEND_EVENTS_PER_SECOND_64_WRITERS));
      }
    }
    for (StreamLoad.Result result : report.streamLoads()) {
      any = true;
      table.row(
          "stream load p99, " + result.threads() + " thread(s): < 1 ms",
          Fmt.micros(result.latency().p99()) + " µs",
          Fmt.ratio(result.latency().p99(), Targets.STREAM_LOAD_P99_MICROS),
          met(result.latency().p99() < Targets.STREAM_LOAD_P99_MICROS));
    }
    if (report.catchUp() != null) {
      any = true;
      targetRow(table, "global log read (readAll)", report.catchUp().read());
      targetRow(table, "global log subscription", report.catchUp().subscription());
    }
    any |= HttpReportSections.targetRows(table, report);
    if (any) {
      out.append("## Targets\n\n").append(table.render());
    }
  }

  private static void targetRow(MarkdownTable table, String what, LogCatchUp.Pass pass) {
    table.row(
        what + ": ≥ 1,000,000 events/s",
        Fmt.rate(pass.eventsPerSecond()) + " events/s",
        Fmt.ratio(pass.eventsPerSecond(), Targets.CATCH_UP_EVENTS_PER_SECOND),
        met(pass.eventsPerSecond() >= Targets.CATCH_UP_EVENTS_PER_SECOND));
  }

  private static String met(boolean met) {
    return met ? "yes" : "**no**";
  }
}
