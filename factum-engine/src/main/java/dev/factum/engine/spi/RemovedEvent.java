package dev.factum.engine.spi;

import java.util.Locale;
import java.util.UUID;

/**
 * What a storage keeps at the position of an event scavenging removed: enough to say the position
 * holds a removed event (not a missing one), whose it was, and why; and to recognise a retry of the
 * append that wrote it (the event-id index keeps pointing here).
 *
 * @param position the event's position in the global log (never reused)
 * @param stream the stream it belonged to
 * @param revision its revision there (below the stream's first visible revision)
 * @param id its event id
 * @param reason why it was removed
 */
public record RemovedEvent(long position, String stream, long revision, UUID id, Reason reason) {

  /** Why an event was removed. */
  public enum Reason {
    /** Below the first visible revision set by {@code maxCount}, {@code maxAge}, truncation. */
    RETENTION(1),
    /** Its stream was soft-deleted after it (the revisions of the deleted life). */
    DELETED(2),
    /** Its stream is tombstoned. */
    TOMBSTONED(3);

    private final int code;

    Reason(int code) {
      this.code = code;
    }

    /** The stable code storages keep on disk. */
    public int code() {
      return code;
    }

    /** The reason stored as {@code code}, or null for a code no reason has. */
    public static Reason ofCode(int code) {
      for (Reason reason : values()) {
        if (reason.code == code) {
          return reason;
        }
      }
      return null;
    }

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
