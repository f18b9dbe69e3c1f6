package dev.factum.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code bin/bench lifecycle} on tiny sizes: both rows come out, and the backups verified. */
class LifecycleMeasureSmokeTest {
  @Test
  void printsBothRowsAndTheBackupsVerify() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LifecycleMeasure.run(1_000, 2_000, new PrintStream(out, true, StandardCharsets.UTF_8));
    String rows = out.toString(StandardCharsets.UTF_8);
    assertThat(rows).contains("| aggregate load, 1,000 events |", "| backup, 2,000 events |");
    assertThat(rows).contains("| verified |").doesNotContain("DAMAGED");
  }
}
