package dev.factum.api;

import java.io.Serializable;

/**
 * What an append or delete expects of its stream. A mismatch is a {@link
 * WrongExpectedRevisionException}, never a partial write.
 *
 * <ul>
 *   <li>{@link #any()}: no expectation.
 *   <li>{@link #noStream()}: the stream does not exist (never written, or soft-deleted).
 *   <li>{@link #exists()}: the stream exists and is not deleted.
 *   <li>{@link #exact(long)}: the stream exists and its last event has this revision.
 * </ul>
 */
public sealed interface ExpectedRevision extends Serializable {

  static ExpectedRevision any() {
    return Any.INSTANCE;
  }

  static ExpectedRevision noStream() {
    return NoStream.INSTANCE;
  }

  static ExpectedRevision exists() {
    return Exists.INSTANCE;
  }

  /**
   * The stream's last event has revision {@code revision}.
   *
   * @throws InvalidArgumentException if {@code revision} is negative
   */
  static ExpectedRevision exact(long revision) {
    if (revision < 0) {
      throw new InvalidArgumentException("expected revision must be >= 0, was " + revision);
    }
    return new Exact(revision);
  }

  /**
   * Parses the wire form: {@code any}, {@code no_stream}, {@code exists} or a non-negative decimal
   * revision.
   *
   * @throws InvalidArgumentException for anything else
   */
  static ExpectedRevision parse(String text) {
    if (text == null) {
      throw new InvalidArgumentException("expected revision is missing");
    }
    switch (text) {
      case "any":
        return any();
      case "no_stream":
        return noStream();
      case "exists":
        return exists();
      default:
        break;
    }
    if (text.isEmpty() || text.length() > 19 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new InvalidArgumentException(
          "expected revision must be any, no_stream, exists or a revision >= 0, was '"
              + text
              + "'");
    }
    try {
      return exact(Long.parseLong(text));
    } catch (NumberFormatException tooLarge) {
      throw new InvalidArgumentException("expected revision is out of range: '" + text + "'");
    }
  }

  /** Expects nothing. */
  enum Any implements ExpectedRevision {
    INSTANCE;

    @Override
    public String toString() {
      return "any";
    }
  }

  /** Expects the stream not to exist. */
  enum NoStream implements ExpectedRevision {
    INSTANCE;

    @Override
    public String toString() {
      return "no_stream";
    }
  }

  /** Expects the stream to exist. */
  enum Exists implements ExpectedRevision {
    INSTANCE;

    @Override
    public String toString() {
      return "exists";
    }
  }

  /** Expects the stream's last event to have this revision. */
  record Exact(long revision) implements ExpectedRevision {
    @Override
    public String toString() {
      return Long.toString(revision);
    }
  }
}
