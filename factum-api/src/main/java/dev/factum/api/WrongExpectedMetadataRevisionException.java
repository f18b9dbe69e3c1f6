package dev.factum.api;

import java.io.Serial;

/**
 * A write of a stream's metadata expected one metadata revision and found another; nothing was
 * written. Its own code ({@link ErrorCode#WRONG_EXPECTED_METADATA_REVISION}), not {@link
 * WrongExpectedRevisionException}, because the revisions it names count metadata writes, not the
 * stream's events: a client that retries an append on that code must not mistake one for the other.
 * {@link #actualRevision()} is {@link VersionedStreamMetadata#NO_METADATA} when none was ever set.
 */
public final class WrongExpectedMetadataRevisionException extends FactumException {
  @Serial private static final long serialVersionUID = 1L;

  private final String stream;
  private final ExpectedRevision expected;
  private final long actualRevision;

  public WrongExpectedMetadataRevisionException(
      String stream, ExpectedRevision expected, long actualRevision) {
    super(
        ErrorCode.WRONG_EXPECTED_METADATA_REVISION,
        "the metadata of stream '"
            + stream
            + "' was expected at "
            + expected
            + " but is at "
            + (actualRevision == VersionedStreamMetadata.NO_METADATA ? "none" : actualRevision));
    this.stream = stream;
    this.expected = expected;
    this.actualRevision = actualRevision;
  }

  public String stream() {
    return stream;
  }

  public ExpectedRevision expected() {
    return expected;
  }

  /** The metadata revision found, or {@link VersionedStreamMetadata#NO_METADATA}. */
  public long actualRevision() {
    return actualRevision;
  }
}
