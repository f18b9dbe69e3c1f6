package dev.factum.api;

import java.io.Serial;

/**
 * An append or delete expected the stream at one revision and found it at another. Nothing of the
 * request was written. {@link #actualRevision()} is the revision of the stream's last event when
 * the request was validated, or {@link StreamState#NO_REVISION} when the stream did not exist (or
 * was soft-deleted).
 */
public final class WrongExpectedRevisionException extends FactumException {
  @Serial private static final long serialVersionUID = 1L;

  private final String stream;
  private final ExpectedRevision expected;
  private final long actualRevision;

  public WrongExpectedRevisionException(
      String stream, ExpectedRevision expected, long actualRevision) {
    super(
        ErrorCode.WRONG_EXPECTED_REVISION,
        "stream '"
            + stream
            + "' expected at "
            + expected
            + " but is at "
            + (actualRevision == StreamState.NO_REVISION ? "no_stream" : actualRevision));
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

  /** The stream's actual last revision, or {@link StreamState#NO_REVISION} for no stream. */
  public long actualRevision() {
    return actualRevision;
  }
}
