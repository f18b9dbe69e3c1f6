package dev.factum.api;

/**
 * What a subscription follows and where it starts.
 *
 * <p>A stream subscription starts at a revision; a global-log subscription (optionally filtered,
 * e.g. to one category) starts at a position. Both deliver every matching event from there on,
 * first from storage (catch-up), then live, each exactly once and in order. {@link #fromEnd()}
 * skips what exists and delivers only what is appended after the subscription starts.
 *
 * @param stream the stream to follow, or null for the global log
 * @param filter for the global log: which events to deliver
 * @param from the first revision (stream) or position (log) to deliver; {@link #END} for live only
 */
public record SubscriptionRequest(String stream, LogFilter filter, long from) {
  /** Start after everything that exists when the subscription starts. */
  public static final long END = Long.MAX_VALUE;

  public SubscriptionRequest {
    if (from < 0) {
      throw new InvalidArgumentException("subscription start must be >= 0, was " + from);
    }
    filter = filter == null ? LogFilter.none() : filter;
    if (stream != null && !filter.isNone()) {
      throw new InvalidArgumentException("a stream subscription takes no filter");
    }
  }

  /** Every event of {@code stream}, from revision 0. */
  public static SubscriptionRequest toStream(String stream) {
    if (stream == null) {
      throw new InvalidArgumentException("stream name is missing");
    }
    return new SubscriptionRequest(stream, LogFilter.none(), 0);
  }

  /** Every event of the global log, from position 0. */
  public static SubscriptionRequest toAll() {
    return new SubscriptionRequest(null, LogFilter.none(), 0);
  }

  /** Every event of the global log that {@code filter} matches, from position 0. */
  public static SubscriptionRequest toAll(LogFilter filter) {
    return new SubscriptionRequest(null, filter, 0);
  }

  /** Every event of the streams of {@code category}, from position 0. */
  public static SubscriptionRequest toCategory(String category) {
    return toAll(LogFilter.categories(category));
  }

  /** The same subscription, starting at revision or position {@code from}. */
  public SubscriptionRequest from(long newFrom) {
    return new SubscriptionRequest(stream, filter, newFrom);
  }

  /** The same subscription, delivering only what is appended after it starts. */
  public SubscriptionRequest fromEnd() {
    return from(END);
  }

  public boolean isStream() {
    return stream != null;
  }
}
