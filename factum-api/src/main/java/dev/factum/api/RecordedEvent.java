package dev.factum.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A committed event: what was appended, plus where it landed. {@code revision} is its 0-based index
 * in its stream; {@code position} its place in the global log; {@code timestamp} the commit time of
 * the batch it was written in.
 *
 * <p>{@code subject} is the data subject the event was appended for (null when none); {@code
 * redacted} says the subject was forgotten ({@link EventStore#forget}): {@code data} is then {@link
 * #redactedData()} and {@code metadata} null, while every other member is as committed.
 *
 * <p>The arrays are shared, not copied: treat them as read-only.
 */
public record RecordedEvent(
    UUID id,
    String stream,
    long revision,
    long position,
    Instant timestamp,
    String type,
    String contentType,
    byte[] data,
    byte[] metadata,
    Set<String> tags,
    String subject,
    boolean redacted) {

  /** The data every read shows for an event whose subject was forgotten. */
  private static final byte[] REDACTED = "{\"redacted\":true}".getBytes(StandardCharsets.UTF_8);

  public RecordedEvent {
    tags = tags == null ? Set.of() : tags;
  }

  /** An event about no data subject. */
  public RecordedEvent(
      UUID id,
      String stream,
      long revision,
      long position,
      Instant timestamp,
      String type,
      String contentType,
      byte[] data,
      byte[] metadata,
      Set<String> tags) {
    this(
        id,
        stream,
        revision,
        position,
        timestamp,
        type,
        contentType,
        data,
        metadata,
        tags,
        null,
        false);
  }

  /** The redaction marker's bytes, {@code {"redacted":true}} (a fresh copy). */
  public static byte[] redactedData() {
    return REDACTED.clone();
  }

  /**
   * The stream's category: the part of its name before the first {@code -}. A deletion event (see
   * {@link StreamDeletion}) belongs to the category of the stream it deletes, so a category feed
   * shows the deletions of its streams.
   */
  public String category() {
    if (StreamDeletion.isDeletionStream(stream)) {
      Optional<StreamDeletion> deletion = StreamDeletion.of(type, data);
      if (deletion.isPresent()) {
        return StreamNames.category(deletion.get().stream());
      }
    }
    return StreamNames.category(stream);
  }

  /** The deletion this event records, when it is a system deletion event. */
  public Optional<StreamDeletion> deletion() {
    return StreamDeletion.of(this);
  }

  /** The data decoded as UTF-8 (for JSON events). */
  public String dataAsString() {
    return new String(data, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RecordedEvent e
        && revision == e.revision
        && position == e.position
        && id.equals(e.id)
        && stream.equals(e.stream)
        && timestamp.equals(e.timestamp)
        && type.equals(e.type)
        && contentType.equals(e.contentType)
        && Arrays.equals(data, e.data)
        && Arrays.equals(metadata, e.metadata)
        && tags.equals(e.tags)
        && Objects.equals(subject, e.subject)
        && redacted == e.redacted;
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, position);
  }

  @Override
  public String toString() {
    return "RecordedEvent["
        + stream
        + "@"
        + revision
        + ", position="
        + position
        + ", type="
        + type
        + ", id="
        + id
        + "]";
  }
}
