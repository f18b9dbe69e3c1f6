package dev.factum.engine;

import dev.factum.api.AppendRequest;
import dev.factum.api.EventData;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LimitExceededException;
import dev.factum.api.LimitExceededException.Limit;
import dev.factum.api.Limits;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamDeletion;
import dev.factum.api.SystemStreams;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * Checks requests against the documented {@link Limits} before anything is queued, so bad input
 * never reaches the writer and never writes anything. A malformed request is an {@link
 * InvalidArgumentException}; a well-formed one over a limit is a {@link LimitExceededException}
 * naming that limit (this is the only place limits are checked: the HTTP server leaves them to it).
 *
 * <p>Names (streams, types, content types, tags) must be non-empty, valid Unicode (no unpaired
 * surrogates, which cannot be encoded as UTF-8), free of control characters, and short enough.
 * Stream names and, in appends, event types starting with {@code $} are reserved for the store (an
 * import may carry any type, so a copy of older data stays faithful).
 */
final class RequestValidator {
  private final Limits limits;

  RequestValidator(Limits limits) {
    this.limits = limits;
  }

  /**
   * Validates an append of one or more parts and returns its weight in bytes: data and metadata
   * (what the size limits count) plus names and tags, so that queue and batch bounds hold memory
   * whatever an append is made of.
   */
  long validateAppend(List<AppendRequest> parts) {
    return validateAppend(parts, false);
  }

  /**
   * As {@link #validateAppend(List)}; with {@code system}, every part must name one of {@link
   * SystemStreams#APPENDABLE} (and only those), and event types may start with {@code $}.
   */
  long validateAppend(List<AppendRequest> parts, boolean system) {
    if (parts == null || parts.isEmpty()) {
      throw new InvalidArgumentException("an append needs at least one stream");
    }
    long bytes = 0;
    long weight = 0;
    int events = 0;
    Set<UUID> ids = new HashSet<>();
    for (AppendRequest part : parts) {
      if (part == null) {
        throw new InvalidArgumentException("append request is missing");
      }
      if (system) {
        checkName("stream name", part.stream());
        if (!SystemStreams.isAppendable(part.stream())) {
          throw new InvalidArgumentException(
              "the system append path writes only " + SystemStreams.APPENDABLE);
        }
      } else {
        checkStreamName(part.stream());
      }
      weight += 16 + 2L * part.stream().length();
      if (part.expected() == null) {
        throw new InvalidArgumentException("expected revision is missing for " + part.stream());
      }
      if (part.events() == null || part.events().isEmpty()) {
        throw new InvalidArgumentException("an append needs at least one event");
      }
      for (EventData event : part.events()) {
        long size = checkEvent(event);
        if (!system && event.type().charAt(0) == '$') {
          // Consumers tell system events (such as deletions) by type: an append cannot forge one.
          throw new InvalidArgumentException(
              "event types starting with '$' are reserved for system events: " + event.type());
        }
        bytes += size;
        weight += size + 64 + 2L * (event.type().length() + event.contentType().length());
        for (String tag : event.tags()) {
          weight += 16 + 2L * tag.length();
        }
        if (event.id() != null && !ids.add(event.id())) {
          throw new InvalidArgumentException("event id " + event.id() + " appears twice");
        }
      }
      events += part.events().size();
    }
    checkAtMost(Limit.EVENTS_PER_APPEND, events, "an append may carry at most %d events, had %d");
    checkAtMost(Limit.APPEND_BYTES, bytes, "an append may carry at most %d bytes, had %d");
    return weight;
  }

  /**
   * Validates an import (see {@link dev.factum.api.EventStore#importEvents}) and returns its weight
   * in bytes. Each event needs its id, stream, revision and timestamp (whole microseconds, the
   * resolution the store keeps, from 1970 on); the system stream {@value
   * dev.factum.api.StreamDeletion#STREAM} (its events are replayed as deletes) and the system
   * streams of {@link SystemStreams#APPENDABLE} (keys and audit, so a copy keeps them) are the
   * reserved names an import may write.
   */
  long validateImport(List<RecordedEvent> events) {
    if (events == null || events.isEmpty()) {
      throw new InvalidArgumentException("an import needs at least one event");
    }
    checkAtMost(
        Limit.EVENTS_PER_APPEND, events.size(), "an import may carry at most %d events, had %d");
    long bytes = 0;
    long weight = 0;
    Set<UUID> ids = new HashSet<>();
    for (RecordedEvent event : events) {
      if (event == null || event.id() == null) {
        throw new InvalidArgumentException("an imported event needs its id");
      }
      if (!ids.add(event.id())) {
        throw new InvalidArgumentException("event id " + event.id() + " appears twice");
      }
      if (!StreamDeletion.STREAM.equals(event.stream())
          && !SystemStreams.isAppendable(event.stream())) {
        checkStreamName(event.stream());
      }
      if (event.revision() < 0) {
        throw new InvalidArgumentException("imported event " + event.id() + " has no revision");
      }
      Instant timestamp = event.timestamp();
      if (timestamp == null
          || timestamp.isBefore(Instant.EPOCH)
          || !timestamp.truncatedTo(ChronoUnit.MICROS).equals(timestamp)
          || timestamp.isAfter(LATEST)) {
        throw new InvalidArgumentException(
            "imported event "
                + event.id()
                + " needs a timestamp in whole microseconds between 1970 and 9999, had "
                + timestamp);
      }
      long size =
          checkEvent(
              new EventData(
                  event.id(),
                  event.type(),
                  event.contentType(),
                  event.data(),
                  event.metadata(),
                  event.tags()));
      bytes += size;
      weight += size + 96 + 2L * (event.stream().length() + event.type().length());
    }
    checkAtMost(Limit.APPEND_BYTES, bytes, "an import may carry at most %d bytes, had %d");
    return weight;
  }

  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

  private long checkEvent(EventData event) {
    if (event == null) {
      throw new InvalidArgumentException("event is missing");
    }
    checkName("event type", event.type());
    checkName("content type", event.contentType());
    if (event.data() == null) {
      throw new InvalidArgumentException("event data is missing");
    }
    if (event.contentType().equals(EventData.JSON) && !JsonSyntax.isValue(event.data())) {
      throw new InvalidArgumentException(
          "event data is labelled " + EventData.JSON + " but is not one valid JSON value");
    }
    if (event.metadata() != null && !JsonSyntax.isObject(event.metadata())) {
      throw new InvalidArgumentException("event metadata must be a JSON object");
    }
    long size =
        (long) event.data().length + (event.metadata() == null ? 0 : event.metadata().length);
    checkAtMost(
        Limit.EVENT_BYTES,
        size,
        "an event may carry at most %d bytes of data and metadata, had %d");
    checkAtMost(
        Limit.TAGS_PER_EVENT, event.tags().size(), "an event may carry at most %d tags, had %d");
    for (String tag : event.tags()) {
      checkName("tag", tag);
    }
    return size;
  }

  void checkStreamName(String stream) {
    checkName("stream name", stream);
    if (stream.charAt(0) == '$') {
      throw new InvalidArgumentException("stream names starting with '$' are reserved: " + stream);
    }
  }

  /** Like {@link #checkStreamName}, but the system streams (deletions, keys, audit) may be read. */
  void checkReadableStreamName(String stream) {
    if (!StreamDeletion.STREAM.equals(stream) && !SystemStreams.isAppendable(stream)) {
      checkStreamName(stream);
    }
  }

  void checkName(String what, String name) {
    if (name == null || name.isEmpty()) {
      throw new InvalidArgumentException(what + " is missing or empty");
    }
    int utf8 = 0;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isISOControl(c)) {
        throw new InvalidArgumentException(what + " contains a control character at index " + i);
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= name.length() || !Character.isLowSurrogate(name.charAt(i + 1))) {
          throw new InvalidArgumentException(what + " is not valid Unicode (unpaired surrogate)");
        }
        utf8 += 4;
        i++;
      } else if (Character.isLowSurrogate(c)) {
        throw new InvalidArgumentException(what + " is not valid Unicode (unpaired surrogate)");
      } else {
        utf8 += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
      }
    }
    checkAtMost(Limit.NAME_BYTES, utf8, what + " may be at most %d UTF-8 bytes, was %d");
  }

  void checkReadLimit(int limit) {
    if (limit < 1) {
      throw new InvalidArgumentException("read limit must be at least 1, was " + limit);
    }
    checkAtMost(Limit.READ_LIMIT, limit, "a read may ask for at most %d events, was %d");
  }

  /**
   * Refuses {@code actual} over {@code limit} with a {@link LimitExceededException}; {@code
   * message} formats the maximum, then the actual value.
   */
  private void checkAtMost(Limit limit, long actual, String message) {
    int max = limit.in(limits);
    if (actual > max) {
      throw new LimitExceededException(
          limit, max, actual, String.format(Locale.ROOT, message, max, actual));
    }
  }

  static void checkFrom(long from) {
    if (from < 0) {
      throw new InvalidArgumentException("read start must be >= 0, was " + from);
    }
  }
}
