package dev.factum.engine.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.LogFilter;
import dev.factum.api.Query;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The index join against brute force: random logs of types and tags, random queries, every start,
 * bound, limit and direction; and the join opens only index runs, never events.
 */
class QueryPositionsTest {
  private record Event(String type, Set<String> tags) {}

  @Test
  void theJoinReturnsExactlyWhatBruteForceMatches() {
    Random random = new Random(15);
    for (int round = 0; round < 300; round++) {
      int size = 1 + random.nextInt(60);
      List<Event> log = new ArrayList<>();
      Map<String, NavigableSet<Long>> runs = new HashMap<>();
      for (int p = 0; p < size; p++) {
        String type = "T" + random.nextInt(3);
        Set<String> tags = new HashSet<>();
        for (int t = random.nextInt(4); t > 0; t--) {
          tags.add("k" + random.nextInt(5));
        }
        log.add(new Event(type, tags));
        runs.computeIfAbsent("TYPE:" + type, k -> new TreeSet<>()).add((long) p);
        for (String tag : tags) {
          runs.computeIfAbsent("TAG:" + tag, k -> new TreeSet<>()).add((long) p);
        }
      }
      Query query = randomQuery(random);
      if (query.matchesAll()) {
        continue;
      }
      boolean forward = random.nextBoolean();
      long bound = random.nextInt(size + 2) - 1L;
      long from = random.nextInt(size + 2);
      long start = forward ? from : Math.min(from, bound); // as every storage calls it
      int limit = 1 + random.nextInt(size + 1);
      List<Long> expected = new ArrayList<>();
      for (long p = start;
          forward ? p <= Math.min(bound, size - 1) : p >= 0;
          p += forward ? 1 : -1) {
        if (p < size
            && p <= bound
            && query.matches(log.get((int) p).type(), log.get((int) p).tags())) {
          expected.add(p);
        }
        if (expected.size() == limit) {
          break;
        }
      }
      List<Long> found =
          QueryPositions.find(
              query, forward, start, bound, limit, (kind, value, f) -> run(runs, kind, value, f));
      assertThat(found)
          .as(
              "round %d: %s %s from %d bound %d limit %d",
              round, query, forward, start, bound, limit)
          .isEqualTo(expected);
    }
  }

  private static Query randomQuery(Random random) {
    List<Query.Item> items = new ArrayList<>();
    for (int i = 1 + random.nextInt(3); i > 0; i--) {
      Set<String> types = new HashSet<>();
      Set<String> tags = new HashSet<>();
      for (int t = random.nextInt(3); t > 0; t--) {
        types.add("T" + random.nextInt(4));
      }
      for (int t = random.nextInt(3); t > 0; t--) {
        tags.add("k" + random.nextInt(6));
      }
      items.add(new Query.Item(types, tags));
    }
    return new Query(items);
  }

  private static PositionCursor run(
      Map<String, NavigableSet<Long>> runs, LogFilter.Kind kind, String value, boolean forward) {
    NavigableSet<Long> entries = runs.getOrDefault(kind + ":" + value, new TreeSet<>());
    return new PositionCursor() {
      private long position;

      @Override
      public boolean seek(long target) {
        Long next = forward ? entries.ceiling(target) : entries.floor(target);
        if (next == null) {
          return false;
        }
        position = next;
        return true;
      }

      @Override
      public long position() {
        return position;
      }

      @Override
      public void close() {}
    };
  }
}
