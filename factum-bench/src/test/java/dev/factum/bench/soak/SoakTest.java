package dev.factum.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.bench.load.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak in smoke size (a few seconds, sampled every half second so that the heap verdict is
 * really given), so that {@code bin/bench soak} cannot rot, and its heap verdict fed with made-up
 * series, so that it is known to fail on a leak. The run prints its seed; {@code
 * -Dfactum.soak.seed} replays it.
 */
class SoakTest {

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void aShortSoakRunsEveryKindOfLoadWithoutErrors(@TempDir Path temp) throws Exception {
    SoakOptions options =
        SoakOptions.parse("--duration", "6s", "--interval", "500ms", "--dir", temp.toString());
    long seed = Long.getLong("factum.soak.seed", System.nanoTime()); // printed by the run
    SoakRun.Result result = SoakRun.run(options, seed, new Progress(System.err));

    assertThat(result.firstErrors()).as("errors of seed %d", seed).isEmpty();
    assertThat(result.errors()).isZero();
    assertThat(result.samples()).hasSize(12);
    assertThat(result.appends()).isPositive();
    assertThat(result.events()).isGreaterThan(result.appends());
    assertThat(result.loads()).isPositive();
    assertThat(result.subscriptions()).isPositive();
    assertThat(result.delivered()).isPositive();
    assertThat(result.samples()).allSatisfy(s -> assertThat(s.liveHeapBytes()).isPositive());
    // Twelve samples leave ten after warm-up: enough for a verdict, so the heap check really ran
    // on this load (a leak of megabytes per second would fail it; slower ones need bin/bench soak).
    assertThat(result.heap().judged()).as(result.heap().text()).isTrue();
    assertThat(result.heap().flat()).as(result.heap().text()).isTrue();
    assertThat(result.passed()).isTrue();
    assertThat(SoakRun.markdown(result)).contains("passed", "| at s |").doesNotContain("NaN");
    try (Stream<Path> left = Files.list(temp)) {
      assertThat(left).as("the run directory is removed").isEmpty();
    }
  }

  @Test
  void theHeapVerdictCatchesASteadyClimbAndToleratesAnEarlyStep() {
    long mib = 1 << 20;
    List<Long> leak = new ArrayList<>();
    List<Long> step = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      leak.add((100 + 3L * i) * mib); // +3 MiB per sample: +60 MiB between the thirds
      step.add((i < 4 ? 60 : 100 + i % 3) * mib); // warm-up step, then flat with noise
    }
    HeapTrend leaking = HeapTrend.of(leak, 32 * mib, 25);
    assertThat(leaking.judged()).isTrue();
    assertThat(leaking.flat()).as(leaking.text()).isFalse();
    HeapTrend flat = HeapTrend.of(step, 32 * mib, 25);
    assertThat(flat.flat()).as(flat.text()).isTrue();
    HeapTrend few = HeapTrend.of(leak.subList(0, 6), 32 * mib, 25);
    assertThat(few.judged()).isFalse();
  }

  @Test
  void optionsAreCheckedAndDurationsRead() {
    assertThat(SoakOptions.parse().duration()).isEqualTo(Duration.ofMinutes(30));
    assertThat(SoakOptions.parse().interval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(SoakOptions.parse("--duration", "90s").interval()).isEqualTo(Duration.ofSeconds(3));
    assertThat(SoakOptions.parse("--duration", "2h").duration()).isEqualTo(Duration.ofHours(2));
    assertThat(SoakOptions.parse("--seed", "42").seed()).isEqualTo(42L);
    assertThatThrownBy(() -> SoakOptions.parse("--duration", "soon")).hasMessageContaining("30m");
    assertThatThrownBy(() -> SoakOptions.parse("--duration", "5s", "--interval", "10s"))
        .hasMessageContaining("longer");
    assertThatThrownBy(() -> SoakOptions.parse("--writers", "0")).hasMessageContaining("from 1");
  }
}
