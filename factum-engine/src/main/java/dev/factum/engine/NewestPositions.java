package dev.factum.engine;

import dev.factum.api.Query;
import dev.factum.api.RecordedEvent;
import java.util.HashMap;
import java.util.Map;

/**
 * The writer's memory of the newest committed position of each event type and each tag: a bound
 * that lets an {@link dev.factum.api.AppendCondition} whose query cannot match anything after its
 * {@code after} be decided without a seek in the storage's type and tag indexes.
 *
 * <p>What must stay true: {@link #bound} is never below the position of the newest committed event
 * the query matches. An event matching an item has one of its types (if any) and all of its tags,
 * so its position is at most the newest position of that type and at most the newest of each tag; a
 * value not seen since {@link #forget} is bounded by the position known then ({@code floor}). Every
 * committed event must be {@link #add added}, in commit order, by the one writer thread; when
 * events may have committed unseen (another process wrote, a failed commit may have become durable)
 * the owner calls {@link #forget} with the newest durable position, which only makes the bound
 * larger. Memory is bounded: past {@link #MAX_VALUES} values everything is forgotten at once, which
 * again only raises the floor.
 *
 * <p>It decides nothing by itself: a bound above {@code after} sends the check to the indexes.
 */
final class NewestPositions {
  /** Values remembered before everything is forgotten (about 100 bytes each). */
  static final int MAX_VALUES = 1 << 18;

  private final Map<String, Long> types = new HashMap<>();
  private final Map<String, Long> tags = new HashMap<>();
  private long floor;

  /** {@code known}: the newest committed position (-1 when none), of events not seen here. */
  NewestPositions(long known) {
    this.floor = known;
  }

  /** Records a committed event. */
  void add(RecordedEvent event) {
    if (types.size() + tags.size() >= MAX_VALUES) {
      forget(event.position() - 1);
    }
    Long position = event.position();
    types.put(event.type(), position);
    for (String tag : event.tags()) {
      tags.put(tag, position);
    }
  }

  /** Events up to {@code known} may have committed unseen: bound every value by it. */
  void forget(long known) {
    types.clear();
    tags.clear();
    floor = Math.max(floor, known);
  }

  /** A position no committed event matching {@code query} lies beyond. */
  long bound(Query query, long newest) {
    if (query.matchesAll()) {
      return newest;
    }
    long bound = -1;
    for (Query.Item item : query.items()) {
      long itemBound = newest;
      if (!item.types().isEmpty()) {
        long typeBound = -1;
        for (String type : item.types()) {
          typeBound = Math.max(typeBound, types.getOrDefault(type, floor));
        }
        itemBound = Math.min(itemBound, typeBound);
      }
      for (String tag : item.tags()) {
        itemBound = Math.min(itemBound, tags.getOrDefault(tag, floor));
      }
      bound = Math.max(bound, itemBound);
    }
    return bound;
  }
}
