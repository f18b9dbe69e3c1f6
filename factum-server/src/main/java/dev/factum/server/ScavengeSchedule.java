package dev.factum.server;

import dev.factum.api.InvalidArgumentException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How often the server starts a scavenging run on its own (docs/LIFECYCLE.md, "Scavenging", "The
 * schedule"): {@code factum serve --scavenge-every DURATION [--scavenge-rate N]}. Off by default.
 *
 * @param every the time between two scheduled starts; null: no schedule
 * @param eventsPerSecond the rate of a scheduled run (0: the store's default, as {@code POST
 *     /admin/scavenge} with no rate)
 */
public record ScavengeSchedule(Duration every, long eventsPerSecond) {
  /** No automatic runs. */
  public static final ScavengeSchedule OFF = new ScavengeSchedule(null, 0);

  private static final Pattern SHORT = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");

  public ScavengeSchedule {
    if (every != null && (every.isZero() || every.isNegative())) {
      throw new InvalidArgumentException("the scavenging interval must be positive, was " + every);
    }
    if (eventsPerSecond < 0) {
      throw new InvalidArgumentException(
          "the scavenging rate must be 0 (the default) or more events a second, was "
              + eventsPerSecond);
    }
  }

  public boolean enabled() {
    return every != null;
  }

  /**
   * The schedule {@code factum serve} was given: {@code every} as {@code 90s}, {@code 15m}, {@code
   * 6h}, {@code 1d}, {@code 500ms} or ISO-8601 ({@code PT6H}); {@code rate} a whole number of
   * events a second, or null for the default. A null {@code every} is {@link #OFF} (a rate without
   * it is refused: it would do nothing).
   *
   * @throws InvalidArgumentException naming what is wrong
   */
  public static ScavengeSchedule parse(String every, String rate) {
    if (every == null || every.isBlank()) {
      if (rate != null && !rate.isBlank()) {
        throw new InvalidArgumentException(
            "a scavenging rate needs an interval (--scavenge-every) to apply to");
      }
      return OFF;
    }
    long parsedRate = 0;
    if (rate != null && !rate.isBlank()) {
      try {
        parsedRate = Long.parseLong(rate.trim());
      } catch (NumberFormatException e) {
        throw new InvalidArgumentException(
            "the scavenging rate must be a whole number of events a second, was '" + rate + "'");
      }
    }
    return new ScavengeSchedule(parseDuration(every.trim()), parsedRate);
  }

  static Duration parseDuration(String text) {
    Matcher matcher = SHORT.matcher(text.toLowerCase(Locale.ROOT));
    if (matcher.matches()) {
      long amount = Long.parseLong(matcher.group(1));
      return switch (matcher.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
    }
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw new InvalidArgumentException(
          "cannot read the scavenging interval '"
              + text
              + "': give it as 90s, 15m, 6h, 1d, 500ms or ISO-8601 (PT6H)");
    }
  }
}
