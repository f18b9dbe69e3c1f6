package dev.factum.bench.serialized;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.bench.load.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code bin/bench serialized --smoke} in-process against a real server: every figure is
 * measured and positive, the report names each with its ratio, and the run leaves nothing on disk.
 * So the Serialized benchmark cannot rot between the runs that record its figures.
 */
class SerializedBenchSmokeTest {

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aSmokeRunMeasuresSavesFeedReadsAndProjectionLag(@TempDir Path temp) throws Exception {
    Path data = Files.createDirectories(temp.resolve("data"));
    SerializedOptions options = SerializedOptions.parse("--smoke", "--dir", data.toString());

    SerializedResults results = SerializedRun.run(options, new Progress(System.err));

    assertThat(results.saves())
        .containsOnlyKeys(
            SerializedResults.NATIVE_NEW,
            SerializedResults.SERIALIZED_NEW,
            SerializedResults.NATIVE_UPDATE,
            SerializedResults.SERIALIZED_UPDATE)
        .allSatisfy((name, rate) -> assertThat(rate).as(name).isPositive().isFinite());
    assertThat(results.reads())
        .containsOnlyKeys(
            SerializedResults.NATIVE_ALL, SerializedResults.FEED_ALL, SerializedResults.FEED_TYPE)
        .allSatisfy((name, rate) -> assertThat(rate).as(name).isPositive().isFinite());
    assertThat(results.lag().count()).isEqualTo(20);
    assertThat(results.lag().p50()).isPositive().isLessThanOrEqualTo(results.lag().p99());
    assertThat(SerializedReport.markdown(results))
        .contains(SerializedResults.SERIALIZED_UPDATE, SerializedResults.FEED_ALL, "×", "p99");
    try (Stream<Path> left = Files.list(data)) {
      assertThat(left).isEmpty();
    }
  }
}
