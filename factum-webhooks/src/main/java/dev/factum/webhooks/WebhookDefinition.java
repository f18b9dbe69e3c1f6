package dev.factum.webhooks;

import dev.factum.api.InvalidArgumentException;
import dev.factum.api.groups.GroupSource;
import dev.factum.api.groups.GroupStart;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * A webhook: where a store's events are POSTed and how.
 *
 * @param name 1 to 64 characters of {@code [a-z0-9._-]}, starting with a letter or digit; the
 *     webhook's consumer group is {@code $webhook-<name>}
 * @param url an {@code http} or {@code https} URL
 * @param source the events to forward: the whole log, one stream, or a filter
 * @param start where a new webhook starts: the beginning of the log, its end, or a position
 * @param maxBatch most events in one request (1 to 1,000); one per stream at most (stream order)
 * @param timeout how long one request may take (100 ms to 5 minutes)
 * @param maxRetries failed attempts after the first before an event is parked (0 to 1,000)
 * @param backoff wait before a failed event is tried again, times the attempt number (0 to 1 hour)
 * @param paused whether forwarding is paused (durable: a restart stays paused)
 */
public record WebhookDefinition(
    String name,
    URI url,
    GroupSource source,
    GroupStart start,
    int maxBatch,
    Duration timeout,
    int maxRetries,
    Duration backoff,
    boolean paused) {

  /** The prefix of a webhook's consumer group name. */
  public static final String GROUP_PREFIX = "$webhook-";

  public WebhookDefinition {
    if (name == null || !name.matches("[a-z0-9][a-z0-9._-]{0,63}")) {
      throw new InvalidArgumentException(
          "a webhook name is 1 to 64 characters of a-z, 0-9, '.', '_' and '-', starting with a"
              + " letter or digit");
    }
    if (url == null
        || url.getScheme() == null
        || !(url.getScheme().toLowerCase(Locale.ROOT).equals("http")
            || url.getScheme().toLowerCase(Locale.ROOT).equals("https"))
        || url.getHost() == null) {
      throw new InvalidArgumentException("a webhook url must be an http:// or https:// URL");
    }
    if (source == null) {
      throw new InvalidArgumentException("a webhook needs a source");
    }
    start = start == null ? GroupStart.beginning() : start;
    if (maxBatch < 1 || maxBatch > 1_000) {
      throw new InvalidArgumentException("maxBatch must be 1 to 1000");
    }
    if (timeout == null
        || timeout.compareTo(Duration.ofMillis(100)) < 0
        || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new InvalidArgumentException("timeout must be 100 ms to 5 minutes");
    }
    if (maxRetries < 0 || maxRetries > 1_000) {
      throw new InvalidArgumentException("maxRetries must be 0 to 1000");
    }
    if (backoff == null || backoff.isNegative() || backoff.compareTo(Duration.ofHours(1)) > 0) {
      throw new InvalidArgumentException("backoff must be 0 to 1 hour");
    }
  }

  /** A webhook with the defaults: batches of 100, 10 s timeout, 8 retries, 1 s backoff. */
  public static WebhookDefinition of(String name, URI url, GroupSource source) {
    return new WebhookDefinition(
        name,
        url,
        source,
        GroupStart.beginning(),
        100,
        Duration.ofSeconds(10),
        8,
        Duration.ofSeconds(1),
        false);
  }

  public WebhookDefinition withRetries(int retries, Duration newBackoff) {
    return new WebhookDefinition(
        name, url, source, start, maxBatch, timeout, retries, newBackoff, paused);
  }

  public WebhookDefinition withTimeout(Duration newTimeout) {
    return new WebhookDefinition(
        name, url, source, start, maxBatch, newTimeout, maxRetries, backoff, paused);
  }

  public WebhookDefinition withMaxBatch(int newMaxBatch) {
    return new WebhookDefinition(
        name, url, source, start, newMaxBatch, timeout, maxRetries, backoff, paused);
  }

  public WebhookDefinition withPaused(boolean newPaused) {
    return new WebhookDefinition(
        name, url, source, start, maxBatch, timeout, maxRetries, backoff, newPaused);
  }

  /** The webhook's consumer group. */
  public String group() {
    return GROUP_PREFIX + name;
  }
}
