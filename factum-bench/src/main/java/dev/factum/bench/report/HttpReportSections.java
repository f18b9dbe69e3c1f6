package dev.factum.bench.report;

import dev.factum.bench.BenchReport;
import dev.factum.bench.Targets;
import dev.factum.bench.http.HttpAppends;
import dev.factum.bench.http.HttpClientKind;
import dev.factum.bench.http.HttpStreamLoad;
import dev.factum.bench.http.SseCatchUp;
import dev.factum.bench.http.SseLive;
import dev.factum.bench.load.DurableAppends;
import dev.factum.bench.load.Fmt;
import dev.factum.bench.load.LatencySummary;
import dev.factum.bench.load.LogCatchUp;
import dev.factum.bench.load.Payloads;

/**
 * The report's sections for the HTTP workloads (section 5) and their rows of the targets table.
 * Every HTTP figure is printed under the same operation's in-process figure from the same run,
 * followed by a row of ratios (over HTTP ÷ in-process): on a shared machine the ratio is the figure
 * to compare between runs.
 *
 * <p>What must stay true, as in {@link ReportFormatter}: every number comes from the report, and a
 * ratio without a reference reads "n/a".
 */
final class HttpReportSections {
  private static final String RATIO_ROW = "over HTTP ÷ in-process";

  private HttpReportSections() {}

  static void render(StringBuilder out, BenchReport report) {
    BenchReport.HttpFigures http = report.http();
    if (http.isEmpty()) {
      return;
    }
    out.append("## 5. Over HTTP\n\n")
        .append("The same operations through `FactumServer` (the JDK HTTP server, a virtual")
        .append(" thread per exchange) on 127.0.0.1 in this JVM, from the `")
        .append(report.options().httpClient().cliName())
        .append("` client (")
        .append(
            report.options().httpClient() == HttpClientKind.RAW
                ? "a minimal keep-alive socket client"
                : "`java.net.http.HttpClient`, HTTP/1.1")
        .append(report.options().tls() ? "; over HTTPS, TLS 1.3, `--tls`" : "")
        .append("), each next to its in-process figure from the same run. Client and server")
        .append(" share the machine's cores.\n\n");
    if (http.appends() != null) {
      appends(out, http.appends());
    }
    if (!http.streamLoads().isEmpty()) {
      streamLoads(out, http);
    }
    if (http.sseCatchUp() != null) {
      sseCatchUp(out, http.sseCatchUp());
    }
    if (http.sseLive() != null) {
      sseLive(out, http.sseLive());
    }
  }

  private static void appends(StringBuilder out, HttpAppends.Result result) {
    DurableAppends.Variant variant = HttpAppends.VARIANT;
    out.append("## 5a. Appends over HTTP\n\n")
        .append(variant.writers())
        .append(" threads append ")
        .append(variant.eventsPerAppend())
        .append(" events of ")
        .append(Payloads.SIZE)
        .append(" bytes to random streams among ")
        .append(Fmt.count(DurableAppends.STREAMS))
        .append(" (`any` revision), each waiting for its append to be durable: in-process")
        .append(" `store.append`, then `POST /streams/{stream}` from one keep-alive connection")
        .append(" per thread. Each on a fresh store. Target over HTTP: at least ")
        .append(Fmt.rate(Targets.HTTP_APPEND_EVENTS_PER_SECOND))
        .append(" events/s.\n\n");
    MarkdownTable table =
        new MarkdownTable(
            "how",
            "events/s",
            "appends/s",
            "commits/s",
            "avg batch (events)",
            "p50 µs",
            "p99 µs",
            "p99.9 µs");
    DurableAppends.Result in = result.inProcess();
    DurableAppends.Result http = result.http();
    appendRow(table, "in-process, " + variant.writers() + " threads", in);
    appendRow(table, "over HTTP, " + variant.writers() + " connections", http);
    table.row(
        RATIO_ROW,
        Fmt.ratio(http.eventsPerSecond(), in.eventsPerSecond()),
        Fmt.ratio(http.appendsPerSecond(), in.appendsPerSecond()),
        Fmt.ratio(http.commitsPerSecond(), in.commitsPerSecond()),
        Fmt.ratio(http.averageBatchEvents(), in.averageBatchEvents()),
        Fmt.ratio(http.latency().p50(), in.latency().p50()),
        Fmt.ratio(http.latency().p99(), in.latency().p99()),
        Fmt.ratio(http.latency().p999(), in.latency().p999()));
    out.append(table.render()).append('\n');
  }

  private static void appendRow(MarkdownTable table, String how, DurableAppends.Result result) {
    LatencySummary latency = result.latency();
    table.row(
        how,
        Fmt.rate(result.eventsPerSecond()),
        Fmt.rate(result.appendsPerSecond()),
        Fmt.rate(result.commitsPerSecond()),
        Fmt.decimal(result.averageBatchEvents()),
        Fmt.micros(latency.p50()),
        Fmt.micros(latency.p99()),
        Fmt.micros(latency.p999()));
  }

  private static void streamLoads(StringBuilder out, BenchReport.HttpFigures http) {
    out.append("## 5b. Stream load over HTTP\n\n")
        .append("Random whole streams of the stream-load store (100 events each): in-process")
        .append(" `readStream(stream, 0, FORWARD, 100)`, then `GET /streams/{stream}?limit=100`")
        .append(" from one keep-alive connection per thread, the JSON page parsed and checked")
        .append(" (100 events, revisions 0 to 99) by the client. Target over HTTP: p99 under ")
        .append(Fmt.rate(Targets.HTTP_STREAM_LOAD_P99_MICROS / 1_000))
        .append(" ms.\n\n");
    MarkdownTable table =
        new MarkdownTable("how", "loads/s", "p50 µs", "p99 µs", "p99.9 µs", "p99 ÷ target");
    for (HttpStreamLoad.Result result : http.streamLoads()) {
      String threads = result.threads() + (result.threads() == 1 ? " thread, " : " threads, ");
      LatencySummary in = result.inProcess().summary();
      LatencySummary over = result.http().summary();
      table.row(
          threads + "in-process",
          Fmt.rate(result.inProcess().perSecond()),
          Fmt.micros(in.p50()),
          Fmt.micros(in.p99()),
          Fmt.micros(in.p999()),
          "");
      table.row(
          threads + "over HTTP",
          Fmt.rate(result.http().perSecond()),
          Fmt.micros(over.p50()),
          Fmt.micros(over.p99()),
          Fmt.micros(over.p999()),
          Fmt.ratio(over.p99(), Targets.HTTP_STREAM_LOAD_P99_MICROS));
      table.row(
          threads + RATIO_ROW,
          Fmt.ratio(result.http().perSecond(), result.inProcess().perSecond()),
          Fmt.ratio(over.p50(), in.p50()),
          Fmt.ratio(over.p99(), in.p99()),
          Fmt.ratio(over.p999(), in.p999()),
          "");
    }
    out.append(table.render()).append('\n');
  }

  private static void sseCatchUp(StringBuilder out, SseCatchUp.Result result) {
    out.append("## 5c. Catch-up over Server-Sent Events\n\n")
        .append("The whole log of the stream-load store from position 0: in-process a")
        .append(" subscription `toAll()` until `onCaughtUp`, then one client reading")
        .append(" `GET /all/events?from=0` until the `caught-up` event, every `id:` checked to be")
        .append(" the next position. Target over HTTP: at least ")
        .append(Fmt.rate(Targets.SSE_EVENTS_PER_SECOND))
        .append(" events/s.\n\n");
    MarkdownTable table = new MarkdownTable("how", "events", "elapsed", "events/s", "÷ target");
    LogCatchUp.Pass in = result.inProcess();
    LogCatchUp.Pass http = result.http();
    table.row(
        "in-process subscription",
        Fmt.count(in.events()),
        Fmt.seconds(in.elapsedNanos()),
        Fmt.rate(in.eventsPerSecond()),
        "");
    table.row(
        "`GET /all/events`",
        Fmt.count(http.events()),
        Fmt.seconds(http.elapsedNanos()),
        Fmt.rate(http.eventsPerSecond()),
        Fmt.ratio(http.eventsPerSecond(), Targets.SSE_EVENTS_PER_SECOND));
    table.row(
        RATIO_ROW,
        "",
        Fmt.ratio((double) http.elapsedNanos(), (double) in.elapsedNanos()),
        Fmt.ratio(http.eventsPerSecond(), in.eventsPerSecond()),
        "");
    out.append(table.render()).append('\n');
  }

  private static void sseLive(StringBuilder out, SseLive.Result result) {
    out.append("## 5d. Live delivery over Server-Sent Events\n\n")
        .append("One reader of the whole log, subscribed before the load starts, while ")
        .append(HttpAppends.VARIANT.writers())
        .append(" in-process threads append ")
        .append(HttpAppends.VARIANT.eventsPerAppend())
        .append(" events each (a fresh store per reader): in-process a subscription, then a")
        .append(" client of `GET /all/events?from=0`. Both rates are taken over the same interval")
        .append(" (the window, until the load threads stopped), so a reader that entered it behind")
        .append(" can deliver more than was appended in it; the lag is what had been appended but")
        .append(
            " not delivered when the load stopped. Every event must then arrive, in order.\n\n");
    MarkdownTable table =
        new MarkdownTable(
            "reader",
            "appended events/s",
            "delivered events/s",
            "delivered ÷ appended",
            "lag at end (events)",
            "drain after the load");
    liveRow(table, "in-process subscription", result.inProcess());
    liveRow(table, "`GET /all/events`", result.http());
    table.row(
        RATIO_ROW,
        Fmt.ratio(result.http().appendedPerSecond(), result.inProcess().appendedPerSecond()),
        Fmt.ratio(result.http().deliveredPerSecond(), result.inProcess().deliveredPerSecond()),
        "",
        "",
        "");
    out.append(table.render()).append('\n');
  }

  private static void liveRow(MarkdownTable table, String reader, SseLive.Pass pass) {
    table.row(
        reader,
        Fmt.rate(pass.appendedPerSecond()),
        Fmt.rate(pass.deliveredPerSecond()),
        Fmt.ratio(pass.deliveredPerSecond(), pass.appendedPerSecond()),
        Fmt.count(pass.lagAtEnd()),
        Fmt.seconds(pass.drainNanos()));
  }

  /** Adds the HTTP targets to the targets table; returns whether it added any. */
  static boolean targetRows(MarkdownTable table, BenchReport report) {
    BenchReport.HttpFigures http = report.http();
    boolean any = false;
    if (http.appends() != null) {
      any = true;
      double rate = http.appends().http().eventsPerSecond();
      table.row(
          "appends over HTTP, 64 connections × 10 events: ≥ 50,000 events/s",
          Fmt.rate(rate) + " events/s",
          Fmt.ratio(rate, Targets.HTTP_APPEND_EVENTS_PER_SECOND),
          met(rate >= Targets.HTTP_APPEND_EVENTS_PER_SECOND));
    }
    for (HttpStreamLoad.Result result : http.streamLoads()) {
      any = true;
      double p99 = result.http().summary().p99();
      table.row(
          "stream load over HTTP p99, " + result.threads() + " thread(s): < 3 ms",
          Fmt.micros(p99) + " µs",
          Fmt.ratio(p99, Targets.HTTP_STREAM_LOAD_P99_MICROS),
          met(p99 < Targets.HTTP_STREAM_LOAD_P99_MICROS));
    }
    if (http.sseCatchUp() != null) {
      any = true;
      double rate = http.sseCatchUp().http().eventsPerSecond();
      table.row(
          "catch-up over SSE (`GET /all/events`): ≥ 200,000 events/s",
          Fmt.rate(rate) + " events/s",
          Fmt.ratio(rate, Targets.SSE_EVENTS_PER_SECOND),
          met(rate >= Targets.SSE_EVENTS_PER_SECOND));
    }
    return any;
  }

  private static String met(boolean met) {
    return met ? "yes" : "**no**";
  }
}
