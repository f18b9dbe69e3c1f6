package dev.factum.tck;

import static dev.factum.api.ExpectedRevision.any;
import static dev.factum.api.ExpectedRevision.noStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LimitExceededException;
import dev.factum.api.StreamInfo;
import dev.factum.api.StreamPage;
import dev.factum.api.StreamQuery;
import dev.factum.api.StreamState.Status;
import dev.factum.engine.NameRange;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Stream listing ({@link dev.factum.api.EventStore#listStreams}): by prefix and by category, in the
 * byte order of the UTF-8 names, paged by a name cursor that neither repeats nor omits a stream
 * while appends go on, with deleted and tombstoned streams listed in their state, and the system
 * streams only when asked for.
 */
public abstract class StreamListingTck extends TckSupport {

  private void create(String... streams) {
    for (String stream : streams) {
      store.append(stream, noStream(), events(1));
    }
  }

  private List<String> names(StreamQuery query) {
    return store.listStreams(query).streams().stream().map(StreamInfo::stream).toList();
  }

  /** Every page of {@code query}, followed by {@code next} until it is null. */
  private List<String> allPages(StreamQuery query, Runnable betweenPages) {
    List<String> seen = new ArrayList<>();
    StreamQuery page = query;
    for (int pages = 0; pages < 1_000; pages++) {
      StreamPage result = store.listStreams(page);
      assertThat(result.streams()).hasSizeLessThanOrEqualTo(query.limit());
      result.streams().forEach(s -> seen.add(s.stream()));
      if (result.next() == null) {
        return seen;
      }
      assertThat(result.next()).isEqualTo(seen.getLast());
      betweenPages.run();
      page = page.after(result.next());
    }
    throw new AssertionError("paging did not end");
  }

  @Test
  void listsByPrefixInNameOrder() {
    create("order-2", "invoice-1", "orders-1", "order-1", "order");
    assertThat(names(StreamQuery.all(100)))
        .containsExactly("invoice-1", "order", "order-1", "order-2", "orders-1");
    assertThat(names(StreamQuery.all(100).withPrefix("order")))
        .containsExactly("order", "order-1", "order-2", "orders-1");
    assertThat(names(StreamQuery.all(100).withPrefix("order-")))
        .containsExactly("order-1", "order-2");
    assertThat(names(StreamQuery.all(100).withPrefix("nothing"))).isEmpty();
  }

  @Test
  void listsByCategoryWithoutNeighbouringCategories() {
    create("order-2", "orders-1", "order-1", "order", "order_x", "invoice-order-1");
    assertThat(names(StreamQuery.all(100).withCategory("order")))
        .containsExactly("order", "order-1", "order-2");
    assertThat(names(StreamQuery.all(100).withCategory("order").withPrefix("order-2")))
        .containsExactly("order-2");
    assertThat(names(StreamQuery.all(100).withCategory("order").withPrefix("orders"))).isEmpty();
    assertThat(names(StreamQuery.all(100).withCategory("invoice")))
        .containsExactly("invoice-order-1");
  }

  @Test
  void eachEntryTellsRevisionPositionAndCount() {
    store.append("a-1", noStream(), events(3));
    long last = store.append("b-1", noStream(), events(2)).lastPosition();
    store.append("a-1", any(), events(1));
    List<StreamInfo> streams = store.listStreams(StreamQuery.all(10)).streams();
    assertThat(streams)
        .containsExactly(
            new StreamInfo("a-1", Status.ACTIVE, 3, last + 1, 4),
            new StreamInfo("b-1", Status.ACTIVE, 1, last, 2));
  }

  @Test
  void deletedAndTombstonedStreamsAreListedInTheirState() {
    store.append("s-deleted", noStream(), events(3));
    store.append("s-recreated", noStream(), events(2));
    store.append("s-tombstoned", noStream(), events(1));
    store.delete("s-deleted", any());
    store.delete("s-recreated", any());
    store.append("s-recreated", any(), events(1));
    store.tombstone("s-tombstoned", any());
    store.tombstone("s-never-written", noStream());
    List<StreamInfo> streams = store.listStreams(StreamQuery.all(10).withPrefix("s-")).streams();
    assertThat(streams)
        .extracting(
            s -> s.stream() + " " + s.status() + " r" + s.lastRevision() + " n" + s.eventCount())
        .containsExactly(
            "s-deleted DELETED r2 n0",
            "s-never-written TOMBSTONED r-1 n0",
            "s-recreated ACTIVE r2 n1",
            "s-tombstoned TOMBSTONED r0 n0");
  }

  @Test
  void systemStreamsAreListedOnlyWhenAskedFor() {
    create("a-1");
    store.delete("a-1", any()); // commits a $deletions event
    assertThat(names(StreamQuery.all(10))).containsExactly("a-1");
    assertThat(names(StreamQuery.all(10).withSystem(true))).containsExactly("$deletions", "a-1");
    assertThat(names(StreamQuery.all(10).withPrefix("$"))).isEmpty();
  }

  @Test
  void namesAreOrderedByTheirUtf8BytesNotByUtf16Units() {
    // U+FFFD sorts before U+1F600 in UTF-8 (and code points); in UTF-16 the surrogate pair first.
    String replacement = "u-\uFFFD";
    String emoji = "u-\uD83D\uDE00";
    String accented = "u-\u00E9";
    create(emoji, replacement, accented, "u-z");
    assertThat(names(StreamQuery.all(10))).containsExactly("u-z", accented, replacement, emoji);
    assertThat(names(StreamQuery.all(10).after(replacement))).containsExactly(emoji);
    assertThat(allPages(StreamQuery.all(1), () -> {}))
        .containsExactly("u-z", accented, replacement, emoji);
  }

  @Test
  void pagesNeitherRepeatNorOmitAStreamWhileAppendsGoOn() throws Exception {
    List<String> before = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String stream = String.format("p-%03d", i * 2);
      store.append(stream, noStream(), events(1));
      before.add(stream);
    }
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger added = new AtomicInteger();
    List<String> seen = new ArrayList<>();
    // the listing starts once appends are under way: on a loaded machine it could otherwise end
    // before the appender's first append, and the test would list a store nobody changed
    CountDownLatch appending = new CountDownLatch(1);
    Concurrently.run(
        2,
        worker -> {
          if (worker == 0) {
            try {
              assertThat(appending.await(30, TimeUnit.SECONDS)).as("appends started").isTrue();
              seen.addAll(allPages(StreamQuery.all(7).withPrefix("p-"), () -> sleep()));
            } finally {
              stop.set(true);
            }
            return;
          }
          for (int i = 0; !stop.get() && i < 79; i++) {
            // new streams between the existing ones, and appends to existing ones
            store.append(String.format("p-%03d", i | 1), any(), events(1));
            store.append(String.format("p-%03d", (i % 40) * 2), any(), events(1));
            added.incrementAndGet();
            appending.countDown();
          }
        });
    assertThat(added.get()).isPositive();
    assertThat(seen).doesNotHaveDuplicates().containsAll(before);
    assertThat(seen).isSortedAccordingTo(String::compareTo); // ASCII: UTF-16 order is byte order
  }

  private static void sleep() {
    try {
      Thread.sleep(2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aListingNarrowedToNameRangesSeesNothingElse() {
    create("order-1", "order-2", "invoice-1", "invoice", "audit-1", "invoices-1");
    List<NameRange> scope = new ArrayList<>(NameRange.category("invoice"));
    scope.add(NameRange.prefix("order-2"));
    scope.add(NameRange.prefix("order-")); // overlapping ranges list a stream once
    assertThat(store.listStreams(StreamQuery.all(10), scope).streams())
        .extracting(StreamInfo::stream)
        .containsExactly("invoice", "invoice-1", "order-1", "order-2");
    assertThat(store.listStreams(StreamQuery.all(10).withCategory("audit"), scope).streams())
        .isEmpty();
    StreamPage first = store.listStreams(StreamQuery.all(2), scope);
    assertThat(first.next()).isEqualTo("invoice-1");
    assertThat(store.listStreams(StreamQuery.all(2).after(first.next()), scope).streams())
        .extracting(StreamInfo::stream)
        .containsExactly("order-1", "order-2");
  }

  @Test
  void theLastPageHasNoNext() {
    create("a-1", "a-2");
    assertThat(store.listStreams(StreamQuery.all(2)).next()).isNull();
    assertThat(store.listStreams(StreamQuery.all(1)).next()).isEqualTo("a-1");
    assertThat(store.listStreams(StreamQuery.all(5)).next()).isNull();
  }

  @Test
  void badQueriesAreRefused() {
    assertThatThrownBy(() -> StreamQuery.all(0)).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> StreamQuery.all(5).withCategory("a-b"))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> store.listStreams(StreamQuery.all(1_000_000)))
        .isInstanceOf(LimitExceededException.class);
    assertThatThrownBy(() -> store.listStreams(StreamQuery.all(5).withPrefix("a\u0001")))
        .isInstanceOf(InvalidArgumentException.class);
  }
}
