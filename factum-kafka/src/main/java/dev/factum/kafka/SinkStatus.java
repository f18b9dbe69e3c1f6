package dev.factum.kafka;

/**
 * A sink as it is now: its definition; {@code state} ({@code starting}, {@code running}, {@code
 * paused}, {@code retrying} after a failure, {@code stopped}); {@code next}, the log position it
 * forwards from ({@code -1} before it has recovered its checkpoint); its lag behind the head in log
 * positions and in seconds (the age of the oldest event it has not forwarded); how many events it
 * forwarded and how many attempts failed since this process started; the last failure, or null.
 */
public record SinkStatus(
    SinkDefinition definition,
    String state,
    long next,
    long lagEvents,
    double lagSeconds,
    long forwarded,
    long errors,
    String lastError) {}
