package dev.factum.api;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * An event to append. {@code id} may be null, in which case the store generates one; supply it to
 * make retries idempotent. {@code data} is normally JSON ({@link #JSON}); {@code metadata} is an
 * optional JSON object; {@code tags} are optional strings used by filters.
 *
 * <p>{@code subject} optionally names the data subject (a person, in GDPR's terms) the event is
 * about: its data and metadata are then stored encrypted under that subject's key, and {@link
 * EventStore#forget} makes them unreadable for good (docs/LIFECYCLE.md, "Crypto-shredding"). Null
 * for an ordinary event.
 *
 * <p>The arrays are not copied: do not change them after handing the event to the store.
 */
public record EventData(
    UUID id,
    String type,
    String contentType,
    byte[] data,
    byte[] metadata,
    Set<String> tags,
    String subject) {

  /** The content type of JSON data, the default. */
  public static final String JSON = "application/json";

  /** The content type of opaque binary data. */
  public static final String BINARY = "application/octet-stream";

  public EventData {
    if (tags != null && tags.stream().anyMatch(Objects::isNull)) {
      throw new InvalidArgumentException("a tag is null");
    }
    tags = tags == null ? Set.of() : Set.copyOf(tags);
    contentType = contentType == null ? JSON : contentType;
  }

  /** An event about no data subject. */
  public EventData(
      UUID id, String type, String contentType, byte[] data, byte[] metadata, Set<String> tags) {
    this(id, type, contentType, data, metadata, tags, null);
  }

  /** A JSON event with a store-generated id, no metadata and no tags. */
  public static EventData json(String type, byte[] data) {
    return new EventData(null, type, JSON, data, null, Set.of());
  }

  /** A JSON event with a store-generated id, no metadata and no tags. */
  public static EventData json(String type, String json) {
    return json(type, json.getBytes(StandardCharsets.UTF_8));
  }

  public EventData withId(UUID newId) {
    return new EventData(newId, type, contentType, data, metadata, tags, subject);
  }

  public EventData withMetadata(byte[] newMetadata) {
    return new EventData(id, type, contentType, data, newMetadata, tags, subject);
  }

  public EventData withTags(Set<String> newTags) {
    return new EventData(id, type, contentType, data, metadata, newTags, subject);
  }

  /** This event about data subject {@code newSubject} (null: about none). */
  public EventData withSubject(String newSubject) {
    return new EventData(id, type, contentType, data, metadata, tags, newSubject);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EventData e
        && Objects.equals(id, e.id)
        && Objects.equals(type, e.type)
        && contentType.equals(e.contentType)
        && Arrays.equals(data, e.data)
        && Arrays.equals(metadata, e.metadata)
        && tags.equals(e.tags)
        && Objects.equals(subject, e.subject);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, type, contentType, Arrays.hashCode(data), Arrays.hashCode(metadata));
  }

  @Override
  public String toString() {
    return "EventData[id="
        + id
        + ", type="
        + type
        + ", data="
        + (data == null ? "null" : data.length + " bytes")
        + ", tags="
        + tags
        + (subject == null ? "" : ", subject=" + subject)
        + "]";
  }
}
