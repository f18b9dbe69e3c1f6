package dev.factum.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.bench.http.HttpAppends;
import dev.factum.bench.http.HttpClientKind;
import dev.factum.bench.http.HttpStreamLoad;
import dev.factum.bench.http.SseCatchUp;
import dev.factum.bench.http.SseLive;
import dev.factum.bench.load.DiskBaseline;
import dev.factum.bench.load.DurableAppends;
import dev.factum.bench.load.LatencySummary;
import dev.factum.bench.load.LogCatchUp;
import dev.factum.bench.load.Progress;
import dev.factum.bench.load.StreamLoad;
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

    String markdown = ReportFormatter.markdown(report);
    Path file = BenchMain.write(results, report, markdown);
    assertThat(Files.readString(file))
        .contains("## Machine", "## 1. Raw disk baseline", "## 2. Durable appends")
        .contains("## 3b. Stream load", "## 4. Global log catch-up", "## Targets")
        .contains("## 5a. Appends over HTTP", "## 5b. Stream load over HTTP")
        .contains("## 5c. Catch-up over Server-Sent Events", "## 5d. Live delivery")
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
    assertThat(BenchOptions.parse().httpClient()).isEqualTo(HttpClientKind.RAW);
    assertThat(BenchOptions.parse("--http-client", "jdk").httpClient())
        .isEqualTo(HttpClientKind.JDK);
    Assertions.assertThatThrownBy(() -> BenchOptions.parse("--http-client", "curl"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdk or raw");
  }

  private static void assertSane(LatencySummary latency) {
    assertThat(latency.count()).isPositive();
    assertThat(latency.p50()).isPositive();
    assertThat(latency.p50()).isLessThanOrEqualTo(latency.p99());
    assertThat(latency.p99()).isLessThanOrEqualTo(latency.p999());
    assertThat(latency.p999()).isLessThanOrEqualTo(latency.max());
  }
}
