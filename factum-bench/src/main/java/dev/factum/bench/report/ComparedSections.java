package dev.factum.bench.report;

import dev.factum.bench.BenchReport;
import dev.factum.bench.http.SecurityCost;
import dev.factum.bench.load.DcbLoad;
import dev.factum.bench.load.Fmt;
import dev.factum.bench.load.GroupLoad;
import dev.factum.bench.load.LatencySummary;
import dev.factum.bench.load.WindowTotals;
import java.util.Locale;

/**
 * The report's sections for the interleaved comparisons: what security costs over HTTP (6), DCB
 * conditional appends (7) and consumer groups (8). Each figure is printed next to its baseline from
 * the same run and as a ratio against it, with the goal for that ratio and whether it was
 * met: on a machine shared with other work, the ratio is what can be compared, never the absolute
 * figure.
 *
 * <p>What must stay true, as in {@link ReportFormatter}: every number comes from the report, and a
 * ratio without a reference reads "n/a".
 */
final class ComparedSections {
  /** UmaDB's published figure for scale (its docs): conditional appends/s, 1,024 clients. */
  static final String UMADB =
      "UmaDB reports ~114,000 conditional appends/s with 1,024 concurrent clients on an Apple M4"
          + " laptop (its own documentation; a different machine, a different client count)";

  private ComparedSections() {}

  static void render(StringBuilder out, BenchReport report) {
    BenchReport.Compared compared = report.compared();
    if (compared == null) {
      return;
    }
    String load = report.machine().facts().getOrDefault("load average at start (1, 5, 15 min)", "");
    out.append("Load average (1, 5, 15 min) at the start of the run: ")
        .append(load)
        .append("; at the end of the comparisons: ")
        .append(compared.loadAverageAtEnd())
        .append(". Baseline and variant take turns window by window (A, B, A, B, ...),")
        .append(" summed over ")
        .append(report.options().rounds())
        .append(report.options().rounds() == 1 ? " round" : " rounds")
        .append(" of ")
        .append(Fmt.seconds(report.options().pairWindow().toNanos()))
        .append(" windows.\n\n");
    if (compared.security() != null) {
      security(out, compared.security());
    }
    if (compared.dcb() != null) {
      dcb(out, compared.dcb());
    }
    if (compared.groups() != null) {
      groups(out, compared.groups());
    }
  }

  private static void security(StringBuilder out, SecurityCost.Result result) {
    out.append("## 6. What security costs over HTTP (auth, TLS)\n\n")
        .append("Three servers on one store at once, in this JVM: plain (auth off, no TLS),")
        .append(" auth on (a writer key sent as `Authorization: Bearer` on every request) and")
        .append(" TLS on (HTTPS, TLS 1.3). Appends: ")
        .append(SecurityCost.WRITERS)
        .append(" writers × 1 event (`POST /streams/{s}`); stream loads: ")
        .append(SecurityCost.LOADERS)
        .append(" threads, `GET /streams/{s}?limit=100`. Goal (issue 11): auth on ≥ 0.95× the")
        .append(" plain throughput, p99 within 1.1×.\n\n");
    MarkdownTable table =
        new MarkdownTable(
            "mode",
            "appends events/s",
            "÷ plain",
            "append p50 µs",
            "append p99 µs",
            "p99 ÷ plain",
            "loads/s",
            "÷ plain",
            "load p99 µs",
            "p99 ÷ plain");
    WindowTotals plainAppends = result.appends().get(SecurityCost.Mode.PLAIN);
    WindowTotals plainLoads = result.loads().get(SecurityCost.Mode.PLAIN);
    for (SecurityCost.Mode mode : SecurityCost.Mode.values()) {
      WindowTotals appends = result.appends().get(mode);
      WindowTotals loads = result.loads().get(mode);
      table.row(
          mode.label(),
          Fmt.rate(appends.perSecond()),
          Fmt.ratio(appends.perSecond(), plainAppends.perSecond()),
          Fmt.micros(appends.summary().p50()),
          Fmt.micros(appends.summary().p99()),
          Fmt.ratio(appends.summary().p99(), plainAppends.summary().p99()),
          Fmt.rate(loads.perSecond()),
          Fmt.ratio(loads.perSecond(), plainLoads.perSecond()),
          Fmt.micros(loads.summary().p99()),
          Fmt.ratio(loads.summary().p99(), plainLoads.summary().p99()));
    }
    out.append(table.render()).append('\n');
    WindowTotals authAppends = result.appends().get(SecurityCost.Mode.AUTH);
    WindowTotals authLoads = result.loads().get(SecurityCost.Mode.AUTH);
    boolean met =
        authAppends.perSecond() >= 0.95 * plainAppends.perSecond()
            && authLoads.perSecond() >= 0.95 * plainLoads.perSecond()
            && authAppends.summary().p99() <= 1.1 * plainAppends.summary().p99()
            && authLoads.summary().p99() <= 1.1 * plainLoads.summary().p99();
    out.append("Auth goal (≥ 0.95× throughput, p99 ≤ 1.1×, appends and loads): ")
        .append(met ? "met" : "not met")
        .append(".\n\n");
  }

  private static void dcb(StringBuilder out, DcbLoad.Result result) {
    out.append("## 7. DCB: conditional appends\n\n")
        .append("Embedded (`FactumStore`). A store preloaded with ")
        .append(Fmt.count(result.preloaded()))
        .append(" events over ")
        .append(DcbLoad.TYPES)
        .append(" types × ")
        .append(Fmt.count(result.tags()))
        .append(" tags (two tags per event; preload ")
        .append(Fmt.seconds(result.preloadNanos()))
        .append("). Each operation appends 1 event with random type and tags;")
        .append(" conditional: `failIfEventsMatch` a query of 1, 2 or 3 items (in turn) on the")
        .append(" event's own type and tags, `after` = the head position the writer read just")
        .append(" before. A failed condition is a conflict (counted, not committed). Goal")
        .append(" (issue 15): conditional ≥ 0.8× the unconditional events/s at 64 writers.\n\n");
    MarkdownTable table =
        new MarkdownTable(
            "writers",
            "unconditional events/s",
            "p50 µs",
            "p99 µs",
            "conditional committed events/s",
            "p50 µs",
            "p99 µs",
            "conflict rate",
            "conditional ÷ unconditional",
            "p99 ÷ unconditional");
    DcbLoad.Pair at64 = null;
    for (DcbLoad.Pair pair : result.pairs()) {
      LatencySummary plain = pair.unconditional().summary();
      LatencySummary checked = pair.conditional().summary();
      table.row(
          Integer.toString(pair.writers()),
          Fmt.rate(pair.unconditional().perSecond()),
          Fmt.micros(plain.p50()),
          Fmt.micros(plain.p99()),
          Fmt.rate(pair.conditionalCommittedPerSecond()),
          Fmt.micros(checked.p50()),
          Fmt.micros(checked.p99()),
          String.format(Locale.ROOT, "%.3f%%", 100 * pair.conflictRate()),
          Fmt.ratio(pair.conditionalCommittedPerSecond(), pair.unconditional().perSecond()),
          Fmt.ratio(checked.p99(), plain.p99()));
      if (pair.writers() == 64) {
        at64 = pair;
      }
    }
    out.append(table.render()).append('\n');
    if (at64 != null) {
      out.append("Goal at 64 writers (≥ 0.8×): ")
          .append(
              at64.conditionalCommittedPerSecond() >= 0.8 * at64.unconditional().perSecond()
                  ? "met"
                  : "not met")
          .append(". For scale: ")
          .append(UMADB)
          .append("; Factum here: ")
          .append(Fmt.rate(at64.conditionalCommittedPerSecond()))
          .append(" conditional appends/s at 64 writers on the machine above.\n\n");
    }
    DcbLoad.Reads reads = result.reads();
    out.append("Query reads by tag: `readByQuery(tags(t), 0, FORWARD, ")
        .append(DcbLoad.READ_LIMIT)
        .append(")` of random tags, ")
        .append(reads.threads())
        .append(" threads.\n\n");
    MarkdownTable readTable =
        new MarkdownTable("threads", "reads/s", "events/s", "p50 µs", "p99 µs", "p99.9 µs");
    LatencySummary latency = reads.reads().summary();
    readTable.row(
        Integer.toString(reads.threads()),
        Fmt.rate(reads.reads().perSecond()),
        Fmt.rate(reads.eventsPerSecond()),
        Fmt.micros(latency.p50()),
        Fmt.micros(latency.p99()),
        Fmt.micros(latency.p999()));
    out.append(readTable.render()).append('\n');
  }

  private static void liveRow(MarkdownTable table, String consumer, LatencySummary summary) {
    table.row(
        consumer,
        Fmt.count(summary.count()),
        Fmt.micros(summary.p50()),
        Fmt.micros(summary.p99()),
        Fmt.micros(summary.p999()),
        Fmt.micros(summary.max()));
  }

  private static void groups(StringBuilder out, GroupLoad.Result result) {
    out.append("## 8. Consumer groups\n\n")
        .append("Embedded (`FactumStore`). Catch-up: ")
        .append(Fmt.count(result.events()))
        .append(" events in ")
        .append(Fmt.count(result.streams()))
        .append(" streams, consumed by a new group (from the beginning; each consumer polls up")
        .append(" to 100 and acks each event) until `awaitProcessed` of the last event, and by a")
        .append(" plain subscription to the same category until caught up; the subscription pass")
        .append(" runs just before each group pass, after an untimed pass of each warmed the JVM")
        .append(" up. Goal (issue 12): with 16 consumers ≥ 0.5× the")
        .append(" subscription's rate.\n\n");
    MarkdownTable table =
        new MarkdownTable(
            "consumers",
            "subscription events/s",
            "group events/s",
            "group ÷ subscription",
            "deliveries",
            "group elapsed");
    for (GroupLoad.CatchUp catchUp : result.catchUps()) {
      table.row(
          Integer.toString(catchUp.consumers()),
          Fmt.rate(catchUp.subscription().eventsPerSecond()),
          Fmt.rate(catchUp.group().eventsPerSecond()),
          Fmt.ratio(catchUp.group().eventsPerSecond(), catchUp.subscription().eventsPerSecond()),
          Fmt.count(catchUp.deliveries()),
          Fmt.seconds(catchUp.group().elapsedNanos()));
    }
    out.append(table.render()).append('\n');
    GroupLoad.Latency latency = result.latency();
    out.append("End-to-end latency under a steady load: ")
        .append(Fmt.rate(latency.rate()))
        .append(" appends/s offered (1 event each, `appendAsync`, paced), ")
        .append(Fmt.count(latency.appended()))
        .append(" appended; from just before the append to the delivery, a group of ")
        .append(GroupLoad.LIVE_CONSUMERS)
        .append(" consumers next to a plain live subscription to the same category.\n\n");
    MarkdownTable live =
        new MarkdownTable("consumer", "deliveries", "p50 µs", "p99 µs", "p99.9 µs", "max µs");
    liveRow(live, "group (" + GroupLoad.LIVE_CONSUMERS + " consumers)", latency.group());
    liveRow(live, "plain subscription", latency.subscription());
    out.append(live.render()).append('\n');
    out.append("Ack-append: ")
        .append(GroupLoad.ACK_THREADS)
        .append(" consumers of one group, each handling one delivery per operation (a poll of up")
        .append(" to 100 when it holds none, inside the timed operation; what a window leaves")
        .append(" held is acked, untimed, when it ends) and writing 1 output")
        .append(" event for it: with `appendAndAck` (output and ack in one commit), with a plain")
        .append(" `append` then a plain `ack` (the same handler without ack-append; the baseline")
        .append(" of the goal), and, for scale, the same threads appending the same events with no")
        .append(" group. Goal (issue 12): `appendAndAck` ≥ 0.9× append-then-ack.\n\n");
    MarkdownTable acks =
        new MarkdownTable(
            "operation",
            "events/s",
            "÷ append, then ack",
            "÷ no group",
            "p50 µs",
            "p99 µs",
            "p99 ÷ append, then ack",
            "events per group commit");
    WindowTotals baseline = result.side(GroupLoad.AckSide.APPEND_THEN_ACK);
    WindowTotals alone = result.side(GroupLoad.AckSide.PLAIN_APPEND);
    for (GroupLoad.AckSide side : GroupLoad.AckSide.values()) {
      WindowTotals totals = result.side(side);
      acks.row(
          side.label(),
          Fmt.rate(totals.perSecond()),
          Fmt.ratio(totals.perSecond(), baseline.perSecond()),
          Fmt.ratio(totals.perSecond(), alone.perSecond()),
          Fmt.micros(totals.summary().p50()),
          Fmt.micros(totals.summary().p99()),
          Fmt.ratio(totals.summary().p99(), baseline.summary().p99()),
          Fmt.decimal(result.eventsPerCommit().get(side)));
    }
    out.append(acks.render()).append('\n');
    WindowTotals acked = result.side(GroupLoad.AckSide.ACK_APPEND);
    GroupLoad.CatchUp sixteen = result.catchUps().getLast();
    out.append("Goals: group of ")
        .append(sixteen.consumers())
        .append(" ≥ 0.5× subscription: ")
        .append(
            sixteen.group().eventsPerSecond() >= 0.5 * sixteen.subscription().eventsPerSecond()
                ? "met"
                : "not met")
        .append("; `appendAndAck` ≥ 0.9× append-then-ack: ")
        .append(acked.perSecond() >= 0.9 * baseline.perSecond() ? "met" : "not met")
        .append(".\n\n");
  }
}
