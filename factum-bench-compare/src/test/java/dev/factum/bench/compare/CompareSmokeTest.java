package dev.factum.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.bench.compare.report.CompareCharts;
import dev.factum.bench.load.DurableAppends;
import dev.factum.bench.load.LatencySummary;
import dev.factum.bench.load.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code bin/bench compare} in smoke mode, in-process, on every system it can start here, and
 * checks that each system produced sane figures for each workload it supports, that the workloads
 * it does not support are named with a reason, that the report and its charts are written, and that
 * nothing is left on disk. So the comparison cannot rot between the runs that record figures.
 */
class CompareSmokeTest {

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void smokeRunMeasuresEverySystem(@TempDir Path temp) throws Exception {
    Path data = temp.resolve("data");
    Path results = temp.resolve("results");
    CompareOptions options =
        CompareOptions.parse("--smoke", "--dir", data.toString(), "--results", results.toString());

    CompareResults run = CompareRun.run(options, new Progress(System.err));

    assertThat(run.systems())
        .extracting(CompareResults.SystemResults::system)
        .containsExactly(CompareSystem.values());
    for (CompareResults.SystemResults system : run.systems()) {
      assertThat(system.failure()).as(system.name() + " failed").isNull();
      assertThat(system.appends()).as(system.name()).hasSize(DurableAppends.VARIANTS.size());
      for (AppendFigures append : system.appends()) {
        assertThat(append.eventsPerSecond()).as(system.name()).isPositive();
        assertSane(append.latency());
      }
      if (system.system() == CompareSystem.DISK) {
        assertThat(system.reads()).isNull();
        continue;
      }
      CompareResults.Reads reads = system.reads();
      assertThat(reads.fill().events()).isEqualTo(CompareOptions.SMOKE_LOAD_EVENTS);
      assertThat(reads.loads().operations()).as(system.name() + " loads").isPositive();
      assertSane(reads.loads().summary());
      assertThat(reads.catchUpEvents()).isEqualTo(CompareOptions.SMOKE_LOAD_EVENTS);
      boolean kafka =
          system.system() == CompareSystem.KAFKA || system.system() == CompareSystem.KAFKA_FLUSH;
      if (kafka) {
        assertThat(system.contention()).isNull();
        assertThat(system.unsupported()).containsKey("expected revision");
      } else {
        CompareResults.Contention contention = system.contention();
        assertThat(contention.attempts()).as(system.name()).isPositive();
        assertThat(contention.conflicts()).isBetween(0L, contention.attempts());
      }
      if (options.growthSystems().contains(system.system())) {
        assertThat(system.growth())
            .extracting(CompareResults.GrowthPoint::storeEvents)
            .containsExactlyElementsOf(options.growthSteps());
      }
    }

    Path report = CompareMain.writeComparison(results, run);
    assertThat(Files.readString(report))
        .contains("## 1. Durable appends", "## 3. Appends with an expected revision")
        .contains("## 4. Loading one entity", "## 5. Catch-up", "## 6. Growth", "## Goals")
        .contains("not supported: Kafka has no conditional append per key")
        .contains("![" + CompareCharts.THROUGHPUT + "]")
        .doesNotContain("NaN");
    for (String chart :
        List.of(
            CompareCharts.THROUGHPUT,
            CompareCharts.APPEND_LATENCY,
            CompareCharts.LOAD_LATENCY,
            CompareCharts.GROWTH)) {
      Path png = report.resolveSibling(chart);
      assertThat(png).exists();
      assertThat(Files.size(png)).isGreaterThan(1_000);
    }
    try (Stream<Path> left = Files.list(data)) {
      assertThat(left).as("the run directory is removed at the end").isEmpty();
    }
  }

  @Test
  void optionsRejectWhatCannotBeRun() {
    assertThatThrownBy(() -> CompareOptions.parse("--systems", "mongodb"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown system");
    assertThatThrownBy(() -> CompareOptions.parse("--load-events", "150"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("multiple of 100");
    CompareOptions defaults = CompareOptions.parse();
    assertThat(defaults.growthSteps()).containsExactly(1_000_000L, 10_000_000L);
    assertThat(CompareOptions.parse("--long").growthSteps())
        .containsExactly(1_000_000L, 10_000_000L, 100_000_000L);
    assertThat(CompareOptions.parse("--systems", "kafka,disk").systems())
        .containsExactly(CompareSystem.DISK, CompareSystem.KAFKA);
    assertThat(CompareOptions.parse("--systems", "disk").growthSystems()).isEmpty();
  }

  private static void assertSane(LatencySummary latency) {
    assertThat(latency.count()).isPositive();
    assertThat(latency.p50()).isPositive();
    assertThat(latency.p50()).isLessThanOrEqualTo(latency.p99());
    assertThat(latency.p99()).isLessThanOrEqualTo(latency.p999());
  }
}
