package dev.factum.api.snapshots;

import dev.factum.api.InvalidArgumentException;
import java.util.Arrays;
import java.util.Objects;

/**
 * An application's state of one stream folded up to {@code revision}, as bytes it encodes itself.
 * {@code schemaVersion} names that encoding: a reader that knows another version must ignore the
 * snapshot (and fold the events instead), never decode it.
 *
 * <p>The array is not copied: do not change it after handing the snapshot to the store.
 *
 * @param stream the stream the state was folded from
 * @param revision the revision of the last event folded into {@code data}
 * @param schemaVersion the application's version of the encoding of {@code data}, 0 and up
 * @param data the encoded state
 */
public record Snapshot(String stream, long revision, int schemaVersion, byte[] data) {
  public Snapshot {
    Objects.requireNonNull(stream, "stream");
    if (data == null) {
      throw new InvalidArgumentException("a snapshot needs data");
    }
    if (revision < 0) {
      throw new InvalidArgumentException(
          "a snapshot's revision must be 0 or more, was " + revision);
    }
    if (schemaVersion < 0) {
      throw new InvalidArgumentException(
          "a snapshot's schema version must be 0 or more, was " + schemaVersion);
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Snapshot s
        && stream.equals(s.stream)
        && revision == s.revision
        && schemaVersion == s.schemaVersion
        && Arrays.equals(data, s.data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(stream, revision, schemaVersion, Arrays.hashCode(data));
  }

  @Override
  public String toString() {
    return "Snapshot["
        + stream
        + "@"
        + revision
        + " v"
        + schemaVersion
        + ", "
        + data.length
        + " bytes]";
  }
}
