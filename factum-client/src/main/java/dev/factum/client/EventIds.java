package dev.factum.client;

import dev.factum.api.AppendRequest;
import dev.factum.api.EventData;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Gives every event of an append an id before it is first sent.
 *
 * <p>Design note: the store recognises a resent append as a retry only by its event ids. An event
 * sent without one gets a fresh id from the server on each attempt, so a retry after a lost
 * response would append it twice. Fixing the ids once, before the first attempt, is what makes
 * every later attempt an exact retry; it is done for every append, retried or not, so the rule has
 * no exceptions.
 */
final class EventIds {
  private EventIds() {}

  /** {@code request} with a random id on every event that has none (itself when all have one). */
  static AppendRequest assign(AppendRequest request) {
    if (request == null || request.events() == null) {
      return request;
    }
    boolean complete = true;
    for (EventData event : request.events()) {
      complete &= event == null || event.id() != null;
    }
    if (complete) {
      return request;
    }
    List<EventData> events = new ArrayList<>(request.events().size());
    for (EventData event : request.events()) {
      events.add(event == null || event.id() != null ? event : event.withId(UUID.randomUUID()));
    }
    return new AppendRequest(request.stream(), request.expected(), events, request.condition());
  }

  static List<AppendRequest> assign(List<AppendRequest> requests) {
    if (requests == null) {
      return null;
    }
    List<AppendRequest> assigned = new ArrayList<>(requests.size());
    for (AppendRequest request : requests) {
      assigned.add(assign(request));
    }
    return assigned;
  }
}
