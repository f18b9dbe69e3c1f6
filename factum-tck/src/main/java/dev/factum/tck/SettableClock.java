package dev.factum.tck;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** A wall clock a test moves by hand (for {@code maxAge}): starts at the real time, in UTC. */
public final class SettableClock extends Clock {
  private volatile Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  public void advance(Duration by) {
    now = now.plus(by);
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a settable clock keeps UTC");
  }
}
