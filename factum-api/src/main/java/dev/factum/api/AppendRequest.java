package dev.factum.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** One or more events to append to one stream, with what the stream is expected to be. */
public record AppendRequest(String stream, ExpectedRevision expected, List<EventData> events) {
  public AppendRequest {
    // Not List.copyOf: a null element must reach validation and be rejected as invalid input.
    events = events == null ? null : Collections.unmodifiableList(new ArrayList<>(events));
  }

  public static AppendRequest of(String stream, ExpectedRevision expected, EventData... events) {
    return new AppendRequest(stream, expected, List.of(events));
  }
}
