package dev.factum.api;

/**
 * A Dynamic Consistency Boundary condition on an append: the append fails, writing nothing, when an
 * event matching {@code failIfEventsMatch} exists at a position greater than {@code after} (or at
 * any position, when {@code after} is {@link #NO_POSITION}). The store checks it in its single
 * writer against everything committed or staged before the append, so the decision is exact under
 * any concurrency.
 *
 * <p>Typical use: read by the query, decide, and append with {@code after} = the position of the
 * last event the decision read (or no position when it read none).
 *
 * @param failIfEventsMatch the facts the decision depended on
 * @param after the newest position the decision saw, or {@link #NO_POSITION}
 */
public record AppendCondition(Query failIfEventsMatch, long after) {

  /** {@code after} when the decision saw no event: any matching event fails the append. */
  public static final long NO_POSITION = -1;

  public AppendCondition {
    if (failIfEventsMatch == null) {
      throw new InvalidArgumentException("the condition's query is missing");
    }
    if (after < NO_POSITION) {
      throw new InvalidArgumentException(
          "the condition's 'after' must be a position >= 0 (or absent), was " + after);
    }
  }

  /** Fails if any event matches {@code query}. */
  public static AppendCondition failIfEventsMatch(Query query) {
    return new AppendCondition(query, NO_POSITION);
  }

  /** The same query, failing only on matching events after {@code position}. */
  public AppendCondition after(long position) {
    if (position < 0) {
      throw new InvalidArgumentException(
          "the condition's 'after' must be a position >= 0, was " + position);
    }
    return new AppendCondition(failIfEventsMatch, position);
  }

  public boolean hasAfter() {
    return after != NO_POSITION;
  }
}
