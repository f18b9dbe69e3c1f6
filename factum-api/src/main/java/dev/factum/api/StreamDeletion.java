package dev.factum.api;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A delete as the global log shows it: every soft delete and tombstone commits one system event to
 * the reserved stream {@value #STREAM}, so that a consumer of the log (or of the deleted stream's
 * category) sees it at its own position, in commit order.
 *
 * <p>The event has type {@value #DELETED} or {@value #TOMBSTONED} and data {@code
 * {"stream":"order-123","truncateBefore":3}}: the stream deleted and the first revision that stays
 * visible (every revision below it is hidden; a recreated stream continues at it). Its category,
 * for category feeds, is the deleted stream's category, not {@value #STREAM}'s; its revision is its
 * place in {@value #STREAM}, so the deleted stream's own revisions are untouched.
 *
 * <p>What must stay true: {@link #json()} and {@link #of} are inverse on everything the store
 * writes, and {@link #of} refuses anything else (it returns empty, never a guess).
 *
 * @param stream the deleted stream
 * @param truncateBefore revisions below this are hidden (the stream's last revision + 1)
 * @param tombstone true for a tombstone (permanent), false for a soft delete
 */
public record StreamDeletion(String stream, long truncateBefore, boolean tombstone) {
  /** The reserved system stream that holds every deletion event. */
  public static final String STREAM = "$deletions";

  /** Event type of a soft delete. */
  public static final String DELETED = "$stream-deleted";

  /** Event type of a tombstone. */
  public static final String TOMBSTONED = "$stream-tombstoned";

  public StreamDeletion {
    if (stream == null || stream.isEmpty() || truncateBefore < 0) {
      throw new IllegalArgumentException("a deletion names a stream and a revision >= 0");
    }
  }

  /** The event type of this deletion. */
  public String type() {
    return tombstone ? TOMBSTONED : DELETED;
  }

  /** The event data, compact JSON: {@code {"stream":"…","truncateBefore":N}}. */
  public byte[] json() {
    StringBuilder out = new StringBuilder(stream.length() + 40).append("{\"stream\":\"");
    for (int i = 0; i < stream.length(); i++) {
      char c = stream.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\');
      }
      out.append(c); // stream names hold no control characters (validated)
    }
    return out.append("\",\"truncateBefore\":")
        .append(truncateBefore)
        .append('}')
        .toString()
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The deletion {@code event} records, or empty when it is not a deletion event. */
  public static Optional<StreamDeletion> of(RecordedEvent event) {
    if (!isDeletionStream(event.stream())) {
      return Optional.empty();
    }
    return of(event.type(), event.data());
  }

  /** The deletion an event of {@code type} with {@code data} records, or empty. */
  public static Optional<StreamDeletion> of(String type, byte[] data) {
    boolean tombstone;
    if (DELETED.equals(type)) {
      tombstone = false;
    } else if (TOMBSTONED.equals(type)) {
      tombstone = true;
    } else {
      return Optional.empty();
    }
    return DeletionJson.parse(data, tombstone);
  }

  static boolean isDeletionStream(String stream) {
    return stream.length() == STREAM.length() && stream.equals(STREAM);
  }
}
