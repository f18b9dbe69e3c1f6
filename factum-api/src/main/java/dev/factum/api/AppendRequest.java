package dev.factum.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One or more events to append to one stream, with what the stream is expected to be and,
 * optionally, a Dynamic Consistency Boundary {@link AppendCondition} (null for none). In an atomic
 * append to several streams every part's expectation and every part's condition must hold.
 */
public record AppendRequest(
    String stream, ExpectedRevision expected, List<EventData> events, AppendCondition condition) {
  public AppendRequest {
    // Not List.copyOf: a null element must reach validation and be rejected as invalid input.
    events = events == null ? null : Collections.unmodifiableList(new ArrayList<>(events));
  }

  /** An append without a condition. */
  public AppendRequest(String stream, ExpectedRevision expected, List<EventData> events) {
    this(stream, expected, events, null);
  }

  public static AppendRequest of(String stream, ExpectedRevision expected, EventData... events) {
    return new AppendRequest(stream, expected, List.of(events));
  }

  /** The same append, failing unless {@code newCondition} holds. */
  public AppendRequest withCondition(AppendCondition newCondition) {
    return new AppendRequest(stream, expected, events, newCondition);
  }
}
