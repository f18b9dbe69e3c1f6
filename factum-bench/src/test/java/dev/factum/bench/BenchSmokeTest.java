package dev.factum.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.bench.http.HttpAppends;
import dev.factum.bench.http.HttpClientKind;
import dev.factum.bench.http.HttpStreamLoad;
import dev.factum.bench.http.SecurityCost;
import dev.factum.bench.http.SseCatchUp;
import dev.factum.bench.http.SseLive;
import dev.factum.bench.load.DcbLoad;
import dev.factum.bench.load.DiskBaseline;
import dev.factum.bench.load.DurableAppends;
import dev.factum.bench.load.GroupLoad;
import dev.factum.bench.load.LatencySummary;
import dev.factum.bench.load.LogCatchUp;
import dev.factum.bench.load.Progress;
import dev.factum.bench.load.StreamLoad;
import dev.factum.bench.load.WindowTotals;
import dev.factum.bench.report.ReportFormatter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the whole benchmark in smoke mode, in-process, and checks that every workload produced
 * figures that make sense: a benchmark that silently measures nothing is worse than none.
 */
class BenchSmokeTest {

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void smokeRunMeasuresEveryWorkload(@TempDir Path temp) throws Exception {
    Path data = temp.resolve("data");
    Path results = temp.resolve("results");
    BenchOptions options =
        BenchOptions.parse("--smoke", "--dir", data.toString(), "--results", results.toString());

    BenchReport report = BenchRun.run(options, new Progress(System.err));

    assertThat(report.disk()).hasSize(DiskBaseline.CHUNKS.size());
    for (DiskBaseline.Result disk : report.disk()) {
      assertThat(disk.fsyncsPerSecond()).isPositive();
      assertThat(disk.bytesPerSecond()).isPositive();
      assertSane(disk.latency());
    }

    assertThat(report.appends()).hasSize(DurableAppends.VARIANTS.size());
    for (DurableAppends.Result append : report.appends()) {
      assertThat(append.eventsPerSecond()).isPositive();
      assertThat(append.commits()).isPositive();
      assertThat(append.averageBatchEvents())
          .isGreaterThanOrEqualTo(append.variant().eventsPerAppend());
      assertSane(append.latency());
    }

    assertThat(report.build().events()).isEqualTo(BenchOptions.SMOKE_EVENTS);
    assertThat(report.build().eventsPerSecond()).isPositive();

    assertThat(report.streamLoads()).hasSize(StreamLoad.THREADS.size());
    for (StreamLoad.Result load : report.streamLoads()) {
      assertThat(load.loadsPerSecond()).isPositive();
      assertSane(load.latency());
    }

    LogCatchUp.Result catchUp = report.catchUp();
    assertThat(catchUp.logLength()).isEqualTo(BenchOptions.SMOKE_EVENTS);
    assertThat(catchUp.read().events()).isEqualTo(BenchOptions.SMOKE_EVENTS);
    assertThat(catchUp.read().eventsPerSecond()).isPositive();
    assertThat(catchUp.subscription().events()).isEqualTo(BenchOptions.SMOKE_EVENTS);
    assertThat(catchUp.subscription().eventsPerSecond()).isPositive();

    BenchReport.HttpFigures http = report.http();
    for (DurableAppends.Result append :
        List.of(http.appends().inProcess(), http.appends().http())) {
      assertThat(append.eventsPerSecond()).isPositive();
      assertThat(append.commits()).isPositive();
      assertThat(append.averageBatchEvents())
          .isGreaterThanOrEqualTo(HttpAppends.VARIANT.eventsPerAppend());
      assertSane(append.latency());
    }

    assertThat(http.streamLoads()).hasSize(StreamLoad.THREADS.size());
    for (HttpStreamLoad.Result load : http.streamLoads()) {
      assertThat(load.inProcess().perSecond()).isPositive();
      assertThat(load.http().perSecond()).isPositive();
      assertSane(load.inProcess().summary());
      assertSane(load.http().summary());
    }

    SseCatchUp.Result sse = http.sseCatchUp();
    assertThat(sse.logLength()).isEqualTo(BenchOptions.SMOKE_EVENTS);
    assertThat(sse.inProcess().events()).isEqualTo(BenchOptions.SMOKE_EVENTS);
    assertThat(sse.http().events()).isEqualTo(BenchOptions.SMOKE_EVENTS);
    assertThat(sse.http().eventsPerSecond()).isPositive();

    for (SseLive.Pass live : List.of(http.sseLive().inProcess(), http.sseLive().http())) {
      assertThat(live.appended()).isPositive();
      assertThat(live.delivered()).isPositive();
      assertThat(live.lagAtEnd()).isNotNegative();
      assertThat(live.drainNanos()).isNotNegative();
    }

    BenchReport.Compared compared = report.compared();
    for (SecurityCost.Mode mode : SecurityCost.Mode.values()) {
      assertSane(compared.security().appends().get(mode));
      assertSane(compared.security().loads().get(mode));
    }

    DcbLoad.Result dcb = compared.dcb();
    assertThat(dcb.preloaded()).isEqualTo(BenchOptions.SMOKE_DCB_EVENTS);
    assertThat(dcb.pairs()).extracting(DcbLoad.Pair::writers).isEqualTo(DcbLoad.WRITERS);
    for (DcbLoad.Pair pair : dcb.pairs()) {
      assertSane(pair.unconditional());
      assertSane(pair.conditional());
      assertThat(pair.conflicts()).isBetween(0L, pair.conditional().operations());
      assertThat(pair.conditionalCommittedPerSecond()).isPositive();
    }
    assertSane(dcb.reads().reads());
    assertThat(dcb.reads().events()).as("reads by tag find events").isPositive();

    GroupLoad.Result groups = compared.groups();
    assertThat(groups.catchUps())
        .extracting(GroupLoad.CatchUp::consumers)
        .isEqualTo(GroupLoad.CONSUMERS);
    for (GroupLoad.CatchUp pass : groups.catchUps()) {
      assertThat(pass.subscription().events()).isEqualTo(BenchOptions.SMOKE_GROUP_EVENTS);
      assertThat(pass.group().events()).isEqualTo(BenchOptions.SMOKE_GROUP_EVENTS);
      assertThat(pass.deliveries()).isGreaterThanOrEqualTo(BenchOptions.SMOKE_GROUP_EVENTS);
      assertThat(pass.group().eventsPerSecond()).isPositive();
    }
    assertThat(groups.latency().appended()).isPositive();
    assertThat(groups.latency().group().count()).isEqualTo(groups.latency().appended());
    assertThat(groups.latency().subscription().count()).isEqualTo(groups.latency().appended());
    assertSane(groups.latency().group());
    for (GroupLoad.AckSide side : GroupLoad.AckSide.values()) {
      assertSane(groups.side(side));
    }

    String markdown = ReportFormatter.markdown(report);
    Path file = BenchMain.write(results, report, markdown);
    assertThat(Files.readString(file))
        .contains("## Machine", "## 1. Raw disk baseline", "## 2. Durable appends")
        .contains("## 3b. Stream load", "## 4. Global log catch-up", "## Targets")
        .contains("## 5a. Appends over HTTP", "## 5b. Stream load over HTTP")
        .contains("## 5c. Catch-up over Server-Sent Events", "## 5d. Live delivery")
        .contains("## 6. What security costs over HTTP", "## 7. DCB: conditional appends")
        .contains("## 8. Consumer groups", "Load average (1, 5, 15 min)")
        .doesNotContain("NaN");
    try (Stream<Path> left = Files.list(data)) {
      assertThat(left).as("the run directory is removed at the end").isEmpty();
    }
  }

  @Test
  void optionsRejectWhatCannotBeRun() {
    Assertions.assertThatThrownBy(() -> BenchOptions.parse("--events", "150"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("multiple of 100");
    Assertions.assertThatThrownBy(() -> BenchOptions.parse("--only", "nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown workload");
    assertThat(BenchOptions.parse("--only", "append").runsDiskBaseline()).isTrue();
    assertThat(BenchOptions.parse("--only", "catch-up").buildsLoadedStore()).isTrue();
    assertThat(BenchOptions.parse("--only", "http-sse").servesLoadedStore()).isTrue();
    assertThat(BenchOptions.parse("--only", "http-append").buildsLoadedStore()).isFalse();
    assertThat(BenchOptions.parse("--rounds", "3").rounds()).isEqualTo(3);
    assertThat(BenchOptions.parse("--smoke").rounds()).isEqualTo(1);
    Assertions.assertThatThrownBy(() -> BenchOptions.parse("--rounds", "0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--rounds");
    assertThat(BenchOptions.parse().httpClient()).isEqualTo(HttpClientKind.RAW);
    assertThat(BenchOptions.parse("--http-client", "jdk").httpClient())
        .isEqualTo(HttpClientKind.JDK);
    Assertions.assertThatThrownBy(() -> BenchOptions.parse("--http-client", "curl"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdk or raw");
  }

  private static void assertSane(WindowTotals totals) {
    assertThat(totals.operations()).isPositive();
    assertThat(totals.perSecond()).isPositive();
    assertSane(totals.summary());
  }

  private static void assertSane(LatencySummary latency) {
    assertThat(latency.count()).isPositive();
    assertThat(latency.p50()).isPositive();
    assertThat(latency.p50()).isLessThanOrEqualTo(latency.p99());
    assertThat(latency.p99()).isLessThanOrEqualTo(latency.p999());
    assertThat(latency.p999()).isLessThanOrEqualTo(latency.max());
  }
}
