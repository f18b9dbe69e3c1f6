package dev.factum.engine;

import dev.factum.api.StreamInfo;
import dev.factum.api.StreamPage;
import dev.factum.api.StreamQuery;
import dev.factum.api.StreamState;
import dev.factum.api.SystemStreams;
import dev.factum.engine.spi.ListedStream;
import dev.factum.engine.spi.Storage;
import dev.factum.engine.spi.StreamHead;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One page of {@link FactumStore#listStreams}: the query (prefix, category) and the caller's
 * allowed names become a union of {@link NameRange}s, each range is read from the storage's listing
 * after the cursor, and the runs are merged in name order.
 *
 * <p>What must stay true:
 *
 * <ul>
 *   <li>Order is the byte order of the UTF-8 names, which is code-point order ({@link #NAME_ORDER};
 *       not {@link String#compareTo}, which orders by UTF-16 code unit), in every storage; the page
 *       holds the first {@code limit} names after the cursor, each once (ranges may overlap).
 *   <li>{@code next} is the last name of the page exactly when at least one more name follows, so
 *       paging stops, and resuming after it misses none: a name cursor is stable under appends.
 *   <li>Cost: per range, one storage listing of {@code limit + 1} (more only to skip the few system
 *       streams of an unfiltered range when they are not asked for).
 * </ul>
 */
final class StreamListing {
  /** The byte order of UTF-8 names: their code points, compared one by one. */
  static final Comparator<String> NAME_ORDER =
      (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
          int x = a.codePointAt(i);
          int y = b.codePointAt(j);
          if (x != y) {
            return Integer.compare(x, y);
          }
          i += Character.charCount(x);
          j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
      };

  private StreamListing() {}

  static StreamPage page(
      Storage storage, StreamQuery query, List<NameRange> allowed, long maxPosition) {
    List<NameRange> ranges =
        List.of(query.prefix() == null ? NameRange.ALL : NameRange.prefix(query.prefix()));
    if (query.category() != null) {
      ranges = NameRange.intersect(ranges, NameRange.category(query.category()));
    }
    if (allowed != null) {
      ranges = NameRange.intersect(ranges, allowed);
    }
    Map<String, StreamHead> found = new TreeMap<>(NAME_ORDER);
    for (NameRange range : ranges) {
      read(storage, range, query, maxPosition, found);
    }
    List<StreamInfo> streams = new ArrayList<>(query.limit());
    for (var entry : found.entrySet()) {
      if (streams.size() == query.limit()) {
        return new StreamPage(streams, streams.getLast().stream());
      }
      streams.add(info(entry.getKey(), entry.getValue()));
    }
    return new StreamPage(streams, null);
  }

  /** Adds the first {@code limit + 1} names of {@code range} after the cursor to {@code found}. */
  private static void read(
      Storage storage,
      NameRange range,
      StreamQuery query,
      long maxPosition,
      Map<String, StreamHead> found) {
    String after = query.after();
    if (range.exact()) {
      if (after != null && NAME_ORDER.compare(range.value(), after) <= 0) {
        return;
      }
      for (ListedStream listed : storage.listStreams(range.value(), null, 1, maxPosition)) {
        if (listed.stream().equals(range.value()) && visible(listed.stream(), query)) {
          found.put(listed.stream(), listed.head());
        }
      }
      return;
    }
    int wanted = query.limit() + 1;
    int kept = 0;
    while (true) {
      List<ListedStream> run = storage.listStreams(range.value(), after, wanted, maxPosition);
      for (ListedStream listed : run) {
        if (visible(listed.stream(), query)) {
          found.put(listed.stream(), listed.head());
          kept++;
        }
      }
      if (kept >= wanted || run.size() < wanted) {
        return;
      }
      after = run.getLast().stream(); // only system streams were skipped: read on past them
    }
  }

  private static boolean visible(String stream, StreamQuery query) {
    return query.includeSystem() || !SystemStreams.isReserved(stream);
  }

  private static StreamInfo info(String stream, StreamHead head) {
    long count =
        head.status() == StreamState.Status.ACTIVE
            ? Math.max(0, head.lastRevision() + 1 - head.firstVisibleRevision())
            : 0;
    return new StreamInfo(stream, head.status(), head.lastRevision(), head.lastPosition(), count);
  }
}
