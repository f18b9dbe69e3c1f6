package dev.factum.tck;

import static dev.factum.api.ExpectedRevision.any;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.Direction;
import dev.factum.api.EventStore;
import dev.factum.api.LogFilter;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamNotFoundException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Reads of streams and of the global log: paging, both directions, and filters. */
public abstract class ReadTck extends TckSupport {

  @Test
  void readsAStreamForwardInPages() {
    store.append("s-1", any(), events(10));
    store.append("other-1", any(), events(3));
    store.append("s-1", any(), events(2));
    ReadPage first = store.readStream("s-1", 0, Direction.FORWARD, 5);
    assertThat(revisions(first.events())).containsExactly(0L, 1L, 2L, 3L, 4L);
    assertThat(first.next()).isEqualTo(5);
    assertThat(first.endOfRead()).isFalse();
    ReadPage rest = store.readStream("s-1", 5, Direction.FORWARD, 100);
    assertThat(revisions(rest.events())).containsExactly(5L, 6L, 7L, 8L, 9L, 10L, 11L);
    assertThat(rest.endOfRead()).isTrue();
    assertThat(rest.next()).isEqualTo(12);
    assertThat(positions(rest.events())).containsExactly(5L, 6L, 7L, 8L, 9L, 13L, 14L);
  }

  @Test
  void readsAStreamBackwardFromTheEndOrFromARevision() {
    store.append("s-1", any(), events(6));
    ReadPage last = store.readStream("s-1", EventStore.END, Direction.BACKWARD, 4);
    assertThat(revisions(last.events())).containsExactly(5L, 4L, 3L, 2L);
    assertThat(last.next()).isEqualTo(1);
    ReadPage rest = store.readStream("s-1", last.next(), Direction.BACKWARD, 4);
    assertThat(revisions(rest.events())).containsExactly(1L, 0L);
    assertThat(rest.endOfRead()).isTrue();
    assertThat(rest.next()).isEqualTo(-1);
    assertThat(revisions(store.readStream("s-1", 2, Direction.BACKWARD, 10).events()))
        .containsExactly(2L, 1L, 0L);
  }

  @Test
  void readingPastTheEndOfAStreamIsEmptyNotAnError() {
    store.append("s-1", any(), events(2));
    ReadPage page = store.readStream("s-1", 50, Direction.FORWARD, 10);
    assertThat(page.events()).isEmpty();
    assertThat(page.endOfRead()).isTrue();
  }

  @Test
  void readingForwardFromTheEndNamesTheNextRealPositionNotEnd() {
    store.append("s-1", any(), events(3));
    store.append("other-1", any(), events(2));
    ReadPage log = store.readAll(EventStore.END, Direction.FORWARD, 10, LogFilter.none());
    assertThat(log.events()).isEmpty();
    assertThat(log.endOfRead()).isTrue();
    assertThat(log.next()).isEqualTo(5); // head + 1: where the next append will land
    ReadPage filtered = store.readAll(EventStore.END, Direction.FORWARD, 10, LogFilter.types("X"));
    assertThat(filtered.next()).isEqualTo(5);
    ReadPage stream = store.readStream("s-1", EventStore.END, Direction.FORWARD, 10);
    assertThat(stream.events()).isEmpty();
    assertThat(stream.next()).isEqualTo(3); // the stream's next revision
    store.append("s-1", any(), events(1));
    assertThat(positions(store.readAll(log.next(), Direction.FORWARD, 10, null).events()))
        .containsExactly(5L);
    assertThat(revisions(store.readStream("s-1", stream.next(), Direction.FORWARD, 10).events()))
        .containsExactly(3L);
  }

  @Test
  void readingAStreamThatNeverExistedIsNotFound() {
    store.append("s-1", any(), events(1));
    assertThatThrownBy(() -> store.readStream("s-2", 0, Direction.FORWARD, 10))
        .isInstanceOf(StreamNotFoundException.class);
  }

  @Test
  void streamNamesThatSharePrefixesStayApart() {
    store.append("a", any(), events(1));
    store.append("a-1", any(), events(2));
    store.append("a-10", any(), events(3));
    store.append("a-1x", any(), events(4));
    assertThat(readWholeStream("a")).hasSize(1);
    assertThat(readWholeStream("a-1")).hasSize(2);
    assertThat(readWholeStream("a-10")).hasSize(3);
    assertThat(store.readStream("a-1", EventStore.END, Direction.BACKWARD, 10).events())
        .hasSize(2)
        .allMatch(e -> e.stream().equals("a-1"));
  }

  @Test
  void readsTheGlobalLogForwardAndBackwardInPages() {
    for (int i = 0; i < 5; i++) {
      store.append("s-" + i, any(), events(3));
    }
    assertThat(positions(readWholeLog(LogFilter.none()))).containsExactlyElementsOf(range(0, 15));
    ReadPage back = store.readAll(EventStore.END, Direction.BACKWARD, 4, LogFilter.none());
    assertThat(positions(back.events())).containsExactly(14L, 13L, 12L, 11L);
    assertThat(back.next()).isEqualTo(10);
    ReadPage fromMiddle = store.readAll(3, Direction.BACKWARD, 10, LogFilter.none());
    assertThat(positions(fromMiddle.events())).containsExactly(3L, 2L, 1L, 0L);
    assertThat(fromMiddle.endOfRead()).isTrue();
  }

  @Test
  void aForwardReadAtTheEndTellsWhereToPollFrom() {
    store.append("s-1", any(), events(3));
    ReadPage page = store.readAll(0, Direction.FORWARD, 10, LogFilter.none());
    assertThat(page.endOfRead()).isTrue();
    assertThat(page.next()).isEqualTo(3);
    store.append("s-1", any(), events(1));
    assertThat(
            positions(store.readAll(page.next(), Direction.FORWARD, 10, LogFilter.none()).events()))
        .containsExactly(3L);
  }

  @Test
  void anEmptyStoreReadsAsEmpty() {
    assertThat(store.headPosition()).isEqualTo(-1);
    assertThat(store.readAll(0, Direction.FORWARD, 10, LogFilter.none()).events()).isEmpty();
    assertThat(store.readAll(EventStore.END, Direction.BACKWARD, 10, LogFilter.none()).events())
        .isEmpty();
  }

  /** What the test wrote, as the test itself knows it (no production code involved). */
  private record Written(long position, String category, String type, Set<String> tags) {}

  @Test
  void filtersByCategoryTypeAndTagMatchABruteForceScan() {
    Random random = new Random(42);
    String[] categories = {"order", "user", "invoice"};
    String[] types = {"Created", "Updated", "Deleted"};
    String[] tags = {"eu", "us", "vip"};
    List<Written> written = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      String category = categories[random.nextInt(3)];
      String stream = category + "-" + random.nextInt(10);
      int tagCount = random.nextInt(3);
      String[] chosen = new String[tagCount];
      for (int t = 0; t < tagCount; t++) {
        chosen[t] = tags[(i + t) % 3];
      }
      String type = types[random.nextInt(3)];
      long position =
          store.append(stream, any(), List.of(full(type, "{}", null, chosen))).firstPosition();
      written.add(new Written(position, category, type, Set.of(chosen)));
    }
    Map<LogFilter, Predicate<Written>> filters = new LinkedHashMap<>();
    filters.put(LogFilter.categories("order"), w -> w.category().equals("order"));
    filters.put(
        LogFilter.categories("user", "invoice"),
        w -> w.category().equals("user") || w.category().equals("invoice"));
    filters.put(LogFilter.types("Deleted"), w -> w.type().equals("Deleted"));
    filters.put(
        LogFilter.types("Created", "Updated"),
        w -> w.type().equals("Created") || w.type().equals("Updated"));
    filters.put(LogFilter.tags("vip"), w -> w.tags().contains("vip"));
    filters.put(
        LogFilter.tags("eu", "us"), w -> w.tags().contains("eu") || w.tags().contains("us"));
    filters.put(LogFilter.categories("nothing"), w -> false);
    Map<Long, RecordedEvent> byPosition = new HashMap<>();
    readWholeLog(LogFilter.none()).forEach(e -> byPosition.put(e.position(), e));
    assertThat(byPosition).hasSize(written.size());
    for (Map.Entry<LogFilter, Predicate<Written>> entry : filters.entrySet()) {
      LogFilter filter = entry.getKey();
      List<RecordedEvent> expected =
          written.stream().filter(entry.getValue()).map(w -> byPosition.get(w.position())).toList();
      assertThat(readWholeLog(filter)).as(filter.toString()).containsExactlyElementsOf(expected);
      List<RecordedEvent> backward = new ArrayList<>();
      long from = EventStore.END;
      while (true) {
        ReadPage page = store.readAll(from, Direction.BACKWARD, 4, filter);
        backward.addAll(page.events());
        if (page.endOfRead()) {
          break;
        }
        from = page.next();
      }
      assertThat(backward).as(filter + " backward").containsExactlyElementsOf(expected.reversed());
    }
  }

  @Test
  void aFilteredForwardReadThatFindsNothingStillAdvances() {
    store.append("user-1", any(), events(10));
    ReadPage page = store.readAll(0, Direction.FORWARD, 5, LogFilter.categories("order"));
    assertThat(page.events()).isEmpty();
    assertThat(page.endOfRead()).isTrue();
    assertThat(page.next()).isEqualTo(10);
  }

  static List<Long> range(long from, long to) {
    List<Long> values = new ArrayList<>();
    for (long i = from; i < to; i++) {
      values.add(i);
    }
    return values;
  }
}
