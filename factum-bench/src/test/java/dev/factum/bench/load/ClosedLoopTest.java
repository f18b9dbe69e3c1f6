package dev.factum.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The load runner's accounting: what it counts, how long it says it ran, and failures. */
class ClosedLoopTest {

  @Test
  void countsOnlyOperationsStartedInTheWindowAndTimesThemAll() throws Exception {
    AtomicLong started = new AtomicLong();
    long[] atWindowStart = new long[1];
    ClosedLoop loop = new ClosedLoop("test", 2, Duration.ofMillis(50), Duration.ofMillis(200));

    ClosedLoop.Result result =
        loop.run(
            index ->
                () -> {
                  started.incrementAndGet();
                  Thread.sleep(2);
                },
            () -> atWindowStart[0] = started.get());

    assertThat(result.operations()).isPositive();
    assertThat(result.operations()).isLessThanOrEqualTo(started.get() - atWindowStart[0] + 2);
    assertThat(result.latency().getTotalCount()).isEqualTo(result.operations());
    assertThat(result.elapsedNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
    assertThat(result.summary().p50()).isGreaterThanOrEqualTo(2_000); // µs: each sleeps 2 ms
  }

  @Test
  void aWindowShorterThanOneStalledOperationStaysOpenUntilAnOperationStartsInIt() throws Exception {
    AtomicLong calls = new AtomicLong();
    ClosedLoop loop = new ClosedLoop("test", 1, Duration.ofMillis(10), Duration.ofMillis(50));

    // The first operation starts in the warm-up and outlasts warm-up and window together: the
    // workload itself is slow here (a stalled first request), so it sleeps.
    ClosedLoop.Result result =
        loop.run(index -> () -> Thread.sleep(calls.getAndIncrement() == 0 ? 400 : 1), () -> {});

    assertThat(result.operations()).isPositive();
    assertThat(result.latency().getTotalCount()).isEqualTo(result.operations());
  }

  @Test
  void theFirstFailureStopsEveryThreadAndIsRethrown() {
    ClosedLoop loop = new ClosedLoop("test", 3, Duration.ofMillis(20), Duration.ofSeconds(30));
    long begun = System.nanoTime();

    assertThatThrownBy(
            () ->
                loop.run(
                    index ->
                        () -> {
                          if (index == 1) {
                            throw new IllegalArgumentException("boom");
                          }
                          Thread.sleep(1);
                        },
                    () -> {}))
        .isInstanceOf(IllegalStateException.class)
        .hasRootCauseMessage("boom");
    assertThat(System.nanoTime() - begun).isLessThan(Duration.ofSeconds(10).toNanos());
  }
}
