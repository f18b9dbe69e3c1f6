package dev.factum.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.InvalidArgumentException;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Backoff grows, is bounded, is jittered, and never undercuts the server's Retry-After. */
class RetryPolicyTest {
  private final RetryPolicy policy =
      new RetryPolicy(10, Duration.ofMillis(100), Duration.ofSeconds(1));

  @Test
  void pausesGrowExponentiallyWithinHalfToFullOfTheirBound() {
    SplittableRandom random = new SplittableRandom(42);
    long[] bounds = {100, 200, 400, 800, 1000, 1000, 1000};
    for (int retry = 1; retry <= bounds.length; retry++) {
      for (int sample = 0; sample < 200; sample++) {
        Duration pause = policy.backoff(retry, null, random);
        assertThat(pause)
            .as("retry %d", retry)
            .isBetween(
                Duration.ofMillis(bounds[retry - 1] / 2), Duration.ofMillis(bounds[retry - 1]));
      }
    }
    assertThat(policy.backoff(Integer.MAX_VALUE, null, random))
        .isLessThanOrEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void retryAfterIsHonouredUpToItsCap() {
    SplittableRandom random = new SplittableRandom(7);
    assertThat(policy.backoff(1, Duration.ofSeconds(3), random)).isEqualTo(Duration.ofSeconds(3));
    assertThat(policy.backoff(1, Duration.ofHours(1), random))
        .isEqualTo(RetryPolicy.MAX_RETRY_AFTER);
    assertThat(policy.backoff(4, Duration.ofMillis(1), random))
        .isGreaterThanOrEqualTo(Duration.ofMillis(400));
  }

  @Test
  void retryAfterHeadersAreReadAsSecondsOrDates() {
    assertThat(ProblemMapper.parseRetryAfter("1")).isEqualTo(Duration.ofSeconds(1));
    assertThat(ProblemMapper.parseRetryAfter(" 120 ")).isEqualTo(Duration.ofSeconds(120));
    assertThat(ProblemMapper.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT"))
        .isEqualTo(Duration.ZERO);
    assertThat(ProblemMapper.parseRetryAfter("soon")).isNull();
    assertThat(ProblemMapper.parseRetryAfter(null)).isNull();
  }

  @Test
  void nonsensePoliciesAreRefused() {
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ofMillis(1), Duration.ofMillis(1)))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy(1, Duration.ZERO, Duration.ofMillis(1)))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy(1, Duration.ofMillis(2), Duration.ofMillis(1)))
        .isInstanceOf(InvalidArgumentException.class);
  }
}
