package dev.factum.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/bench shred} on tiny windows: both rows come out with a ratio and the writer's share.
 */
class ShredMeasureSmokeTest {
  @Test
  void printsARowPerBatchSize() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ShredMeasure.run(0.1, 16, new PrintStream(out, true, StandardCharsets.UTF_8));
    String rows = out.toString(StandardCharsets.UTF_8);
    assertThat(rows).contains("| 64 writers × 1 event |", "| 64 writers × 10 events |");
    assertThat(rows).containsPattern("\\| \\d+\\.\\d\\d× \\|");
    assertThat(rows).containsPattern("writer off \\d+\\.\\d µs, on \\d+\\.\\d µs");
  }
}
