package dev.factum.api;

/**
 * Documented limits on what a store accepts. Anything beyond them is rejected with a {@link
 * LimitExceededException} ({@link ErrorCode#LIMIT_EXCEEDED}) that names the limit, before anything
 * is written.
 *
 * @param maxNameBytes longest stream name, event type, content type or tag, in UTF-8 bytes
 * @param maxEventBytes largest event: data plus metadata, in bytes
 * @param maxEventsPerAppend most events in one append request (all streams together)
 * @param maxAppendBytes largest append request: all events' data plus metadata, in bytes
 * @param maxTagsPerEvent most tags on one event
 * @param maxReadLimit most events one read page returns
 */
public record Limits(
    int maxNameBytes,
    int maxEventBytes,
    int maxEventsPerAppend,
    int maxAppendBytes,
    int maxTagsPerEvent,
    int maxReadLimit) {

  /** The defaults: 256-byte names, 1 MiB events, 10,000 events or 16 MiB per append. */
  public static final Limits DEFAULT = new Limits(256, 1 << 20, 10_000, 16 << 20, 32, 10_000);

  public Limits {
    if (maxNameBytes < 1
        || maxNameBytes > 65_535
        || maxEventBytes < 1
        || maxEventsPerAppend < 1
        || maxAppendBytes < maxEventBytes
        || maxTagsPerEvent < 0
        || maxTagsPerEvent > 255
        || maxReadLimit < 1) {
      throw new InvalidArgumentException("inconsistent limits: " + this);
    }
  }
}
