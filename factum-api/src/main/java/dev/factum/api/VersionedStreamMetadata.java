package dev.factum.api;

/**
 * A stream's metadata as it is stored, with its own revision.
 *
 * @param stream the stream
 * @param metadataRevision 0 after the first write of the metadata, +1 on each later one; {@link
 *     #NO_METADATA} when it was never set. It counts metadata writes only: it is what {@link
 *     EventStore#setStreamMetadata} expects, never a revision of the stream's events
 * @param metadata the settings ({@link StreamMetadata#NONE} when never set)
 */
public record VersionedStreamMetadata(
    String stream, long metadataRevision, StreamMetadata metadata) {
  /** The metadata revision of a stream whose metadata was never set. */
  public static final long NO_METADATA = -1;

  public VersionedStreamMetadata {
    if (metadata == null) {
      throw new InvalidArgumentException("metadata is missing");
    }
  }
}
