package dev.factum.bench.compare.transport;

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
 * Runs {@code bin/bench transport --smoke} in-process against a real broker and the real CLI jar:
 * every figure is measured and sane, the report names them, and nothing is left on disk. So the
 * transport benchmark cannot rot between the runs that record its figures.
 */
class TransportSmokeTest {

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void aSmokeRunMeasuresForwardingLatencyAndImport(@TempDir Path temp) throws Exception {
    Path data = Files.createDirectories(temp.resolve("data"));
    Path jar = Path.of("..", "factum-cli", "target", "factum.jar");
    assertThat(jar).as("the CLI jar, packaged before this module").isRegularFile();
    TransportOptions options =
        TransportOptions.parse("--smoke", "--dir", data.toString(), "--factum-jar", jar.toString());

    TransportResults results = TransportRun.run(options, new Progress(System.err));

    assertThat(results.events()).isEqualTo(5_000);
    assertThat(results.producerBefore().recordsPerSecond()).isPositive();
    assertThat(results.producerAfter().recordsPerSecond()).isPositive();
    assertThat(results.producerAfter().valueBytes()).isGreaterThan(200);
    assertThat(results.sinkEventsPerSecond()).isPositive();
    assertThat(results.latency().count()).isEqualTo(200);
    assertThat(results.latency().p50()).isPositive().isLessThanOrEqualTo(results.latency().p99());
    assertThat(results.topicRecords()).isEqualTo(5_200);
    assertThat(results.importRecordsPerSecond()).isPositive();
    assertThat(results.audit().exactlyOnce(5_200)).as(results.audit().toString()).isTrue();
    assertThat(TransportReport.markdown(results))
        .contains("Kafka sink forwarding", "factum import --from-kafka", "read_committed")
        .contains("Exactly once: a `read_committed` consumer read 5,200 records");
    try (Stream<Path> left = Files.list(data)) {
      assertThat(left).isEmpty();
    }
  }
}
