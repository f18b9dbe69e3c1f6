package dev.factum.engine.spi;

import dev.factum.api.LogFilter;
import dev.factum.api.Query;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers a Dynamic Consistency Boundary {@link Query} from a storage's type and tag indexes, for
 * every storage alike: each item is the intersection of its tags' index runs and the union of its
 * types' runs (a leapfrog join: each run seeks to the largest position another run proposed, so
 * runs skip over each other instead of being read through), and the query is the union of its
 * items, merged by position.
 *
 * <p>What must stay true: only index entries are read until a position matches a whole item, so a
 * read never loads an event that matches no item, and never scans the log; positions come out
 * strictly in the walk's direction, each once.
 */
public final class QueryPositions {

  /** Opens the index run of one type or tag ({@code kind} is TYPE or TAG). */
  @FunctionalInterface
  public interface Index {
    PositionCursor open(LogFilter.Kind kind, String value, boolean forward);
  }

  private QueryPositions() {}

  /**
   * Up to {@code limit} positions matching {@code query} (which must not match everything), from
   * {@code start} in the walk's direction, never beyond {@code bound} going forward.
   */
  public static List<Long> find(
      Query query, boolean forward, long start, long bound, int limit, Index index) {
    if (query.matchesAll()) {
      throw new IllegalArgumentException("a query matching every event needs no index");
    }
    List<Long> positions = new ArrayList<>(Math.min(limit, 1024));
    if (start < 0 || start > bound) {
      return positions;
    }
    List<PositionCursor> items = new ArrayList<>();
    try (PositionCursor cursor = new Union(items, forward)) {
      for (Query.Item item : query.items()) {
        items.add(item(item, forward, index));
      }
      long target = start;
      while (positions.size() < limit && cursor.seek(target)) {
        long position = cursor.position();
        if (position > bound || position < 0) {
          break;
        }
        positions.add(position);
        target = forward ? position + 1 : position - 1;
        if (target < 0) {
          break;
        }
      }
    }
    return positions;
  }

  private static PositionCursor item(Query.Item item, boolean forward, Index index) {
    List<PositionCursor> all = new ArrayList<>();
    try {
      if (!item.types().isEmpty()) {
        List<PositionCursor> types = new ArrayList<>();
        all.add(new Union(types, forward));
        for (String type : item.types()) {
          types.add(index.open(LogFilter.Kind.TYPE, type, forward));
        }
      }
      for (String tag : item.tags()) {
        all.add(index.open(LogFilter.Kind.TAG, tag, forward));
      }
    } catch (RuntimeException e) {
      all.forEach(PositionCursor::close);
      throw e;
    }
    return all.size() == 1 ? all.getFirst() : new Intersection(all);
  }

  /** Positions in any of the runs. */
  private static final class Union implements PositionCursor {
    private final List<PositionCursor> runs;
    private final boolean forward;
    private final List<PositionCursor> live = new ArrayList<>();
    private boolean started;
    private long position;

    Union(List<PositionCursor> runs, boolean forward) {
      this.runs = runs;
      this.forward = forward;
    }

    @Override
    public boolean seek(long target) {
      if (!started) {
        live.addAll(runs);
        started = true;
      }
      boolean found = false;
      for (int i = live.size() - 1; i >= 0; i--) {
        PositionCursor run = live.get(i);
        if (!run.seek(target)) {
          live.remove(i);
          continue;
        }
        long candidate = run.position();
        if (!found || (forward ? candidate < position : candidate > position)) {
          position = candidate;
          found = true;
        }
      }
      return found;
    }

    @Override
    public long position() {
      return position;
    }

    @Override
    public void close() {
      runs.forEach(PositionCursor::close);
    }
  }

  /** Positions in every one of the runs (leapfrog: each seeks to the candidate of the others). */
  private static final class Intersection implements PositionCursor {
    private final List<PositionCursor> runs;
    private long position;

    Intersection(List<PositionCursor> runs) {
      this.runs = runs;
    }

    @Override
    public boolean seek(long target) {
      long candidate = target;
      int agreed = 0;
      int i = 0;
      while (agreed < runs.size()) {
        PositionCursor run = runs.get(i);
        if (!run.seek(candidate)) {
          return false;
        }
        if (run.position() == candidate) {
          agreed++;
        } else {
          candidate = run.position();
          agreed = 1;
        }
        i = (i + 1) % runs.size();
      }
      position = candidate;
      return true;
    }

    @Override
    public long position() {
      return position;
    }

    @Override
    public void close() {
      runs.forEach(PositionCursor::close);
    }
  }
}
