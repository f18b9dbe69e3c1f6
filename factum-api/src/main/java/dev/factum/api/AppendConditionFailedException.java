package dev.factum.api;

import java.io.Serial;

/**
 * An append's {@link AppendCondition} did not hold: an event matching its query exists after its
 * {@code after} position. Nothing of the append was written. {@link #conflictingPosition()} is the
 * position of the first such event.
 */
public final class AppendConditionFailedException extends FactumException {
  @Serial private static final long serialVersionUID = 1L;

  private final long conflictingPosition;

  public AppendConditionFailedException(long conflictingPosition) {
    super(
        ErrorCode.APPEND_CONDITION_FAILED,
        "the append condition failed: the event at position "
            + conflictingPosition
            + " matches its query");
    this.conflictingPosition = conflictingPosition;
  }

  public AppendConditionFailedException(String message, long conflictingPosition) {
    super(ErrorCode.APPEND_CONDITION_FAILED, message);
    this.conflictingPosition = conflictingPosition;
  }

  /** The position of the first event that matched the condition's query after its position. */
  public long conflictingPosition() {
    return conflictingPosition;
  }
}
