package dev.factum.api;

import java.io.Serial;
import java.util.Objects;
import java.util.Optional;

/**
 * A request was over one of the documented {@link Limits}; nothing was written. It names the {@link
 * Limit} it broke, that limit's maximum and the request's actual value, so a caller can split a
 * batch or shorten a name without parsing the message.
 *
 * <p>What must stay true: the store throws this for every breach of a {@link Limits} maximum and
 * for nothing else (a malformed request is an {@link InvalidArgumentException}); over HTTP it is
 * the problem {@code limit-exceeded} (413) with the members {@code limit} ({@link Limit#id()}),
 * {@code max} and {@code actual}, which a client maps back to this type.
 */
public final class LimitExceededException extends FactumException {
  @Serial private static final long serialVersionUID = 1L;

  /** The limits a request can be over, each named as its component of {@link Limits}. */
  public enum Limit {
    /** A stream name, event type, content type, tag or filter value, in UTF-8 bytes. */
    NAME_BYTES("maxNameBytes"),
    /** One event's data plus metadata, in bytes. */
    EVENT_BYTES("maxEventBytes"),
    /** The events of one append or import, all streams together. */
    EVENTS_PER_APPEND("maxEventsPerAppend"),
    /** The data plus metadata of all events of one append or import, in bytes. */
    APPEND_BYTES("maxAppendBytes"),
    /** The tags of one event. */
    TAGS_PER_EVENT("maxTagsPerEvent"),
    /** The events one read page may be asked for. */
    READ_LIMIT("maxReadLimit");

    private final String id;

    Limit(String id) {
      this.id = id;
    }

    /** The stable name of this limit: its component name in {@link Limits}. */
    public String id() {
      return id;
    }

    /** This limit's maximum in {@code limits}. */
    public int in(Limits limits) {
      return switch (this) {
        case NAME_BYTES -> limits.maxNameBytes();
        case EVENT_BYTES -> limits.maxEventBytes();
        case EVENTS_PER_APPEND -> limits.maxEventsPerAppend();
        case APPEND_BYTES -> limits.maxAppendBytes();
        case TAGS_PER_EVENT -> limits.maxTagsPerEvent();
        case READ_LIMIT -> limits.maxReadLimit();
      };
    }

    /** The limit with this id; empty for one this version does not know. */
    public static Optional<Limit> byId(String id) {
      for (Limit limit : values()) {
        if (limit.id.equals(id)) {
          return Optional.of(limit);
        }
      }
      return Optional.empty();
    }
  }

  private final Limit limit;
  private final long max;
  private final long actual;

  public LimitExceededException(Limit limit, long max, long actual, String message) {
    super(ErrorCode.LIMIT_EXCEEDED, message);
    this.limit = Objects.requireNonNull(limit, "limit");
    this.max = max;
    this.actual = actual;
  }

  public LimitExceededException(
      Limit limit, long max, long actual, String message, Throwable cause) {
    super(ErrorCode.LIMIT_EXCEEDED, message, cause);
    this.limit = Objects.requireNonNull(limit, "limit");
    this.max = max;
    this.actual = actual;
  }

  /** The limit the request was over. */
  public Limit limit() {
    return limit;
  }

  /** The limit's maximum. */
  public long max() {
    return max;
  }

  /** The request's value, more than {@link #max()}. */
  public long actual() {
    return actual;
  }
}
