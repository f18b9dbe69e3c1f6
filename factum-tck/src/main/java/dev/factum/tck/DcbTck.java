package dev.factum.tck;

import static dev.factum.api.ExpectedRevision.any;
import static dev.factum.api.ExpectedRevision.exact;
import static dev.factum.api.ExpectedRevision.noStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.AppendCondition;
import dev.factum.api.AppendConditionFailedException;
import dev.factum.api.AppendRequest;
import dev.factum.api.AppendResult;
import dev.factum.api.Direction;
import dev.factum.api.ErrorCode;
import dev.factum.api.EventData;
import dev.factum.api.EventStore;
import dev.factum.api.FactumException;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LogFilter;
import dev.factum.api.MultiAppendResult;
import dev.factum.api.Query;
import dev.factum.api.ReadPage;
import dev.factum.api.Subscription;
import dev.factum.api.SubscriptionRequest;
import dev.factum.api.WrongExpectedRevisionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Dynamic Consistency Boundaries: query semantics (type OR, tag AND, item OR, empty query), reads
 * and subscriptions by query, and append conditions ({@code failIfEventsMatch ... after}) alone and
 * with expected revisions, the multi-stream append and idempotent retries.
 */
public abstract class DcbTck extends TckSupport {
  private static final Duration WAIT = Duration.ofSeconds(30);

  protected static EventData tagged(String type, String... tags) {
    return full(type, "{}", null, tags);
  }

  /** Positions 0..6: a fixed log the query tests read. */
  private void appendFixture() {
    store.append("c-1", any(), List.of(tagged("Opened", "course:1"))); // 0
    store.append("c-2", any(), List.of(tagged("Opened", "course:2"))); // 1
    store.append("s-1", any(), List.of(tagged("Subscribed", "course:1", "student:1"))); // 2
    store.append("s-2", any(), List.of(tagged("Subscribed", "course:2", "student:1"))); // 3
    store.append("s-3", any(), List.of(tagged("Subscribed", "course:1", "student:2"))); // 4
    store.append("c-1", any(), List.of(tagged("Closed", "course:1"))); // 5
    store.append("x-1", any(), List.of(tagged("Noise"))); // 6
  }

  private List<Long> matching(Query query) {
    return positions(readWholeLog(LogFilter.query(query)));
  }

  @Test
  void typesOfAnItemAreOred() {
    appendFixture();
    assertThat(matching(Query.types("Opened", "Closed"))).containsExactly(0L, 1L, 5L);
  }

  @Test
  void tagsOfAnItemAreAnded() {
    appendFixture();
    assertThat(matching(Query.tags("course:1"))).containsExactly(0L, 2L, 4L, 5L);
    assertThat(matching(Query.tags("course:1", "student:1"))).containsExactly(2L);
    assertThat(matching(Query.tags("course:2", "student:2"))).isEmpty();
  }

  @Test
  void typesAndTagsOfOneItemMustBothMatch() {
    appendFixture();
    Query query = Query.of(Query.Item.types("Subscribed", "Closed").withTags("course:1"));
    assertThat(matching(query)).containsExactly(2L, 4L, 5L);
  }

  @Test
  void itemsAreOred() {
    appendFixture();
    Query query =
        Query.of(Query.Item.types("Closed"), Query.Item.tags("student:1"))
            .or(Query.Item.types("Opened").withTags("course:2"));
    assertThat(matching(query)).containsExactly(1L, 2L, 3L, 5L);
  }

  @Test
  void anEmptyQueryOrAnEmptyItemMatchesEveryEvent() {
    appendFixture();
    assertThat(matching(Query.all())).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(matching(Query.of(Query.Item.types("Closed"), new Query.Item(null, null))))
        .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(LogFilter.query(Query.all()).isNone()).isTrue();
  }

  @Test
  void aQueryOfUnknownTypesOrTagsMatchesNothing() {
    appendFixture();
    assertThat(matching(Query.types("Nope"))).isEmpty();
    assertThat(matching(Query.tags("course:1", "nope"))).isEmpty();
  }

  @Test
  void readsByQueryGoForwardBackwardAndInPages() {
    for (int i = 0; i < 40; i++) {
      store.append("p-" + i % 3, any(), List.of(tagged(i % 2 == 0 ? "Even" : "Odd", "m:" + i % 5)));
    }
    Query query = Query.of(Query.Item.types("Even").withTags("m:0"), Query.Item.tags("m:3"));
    List<Long> expected =
        IntStream.range(0, 40)
            .filter(i -> (i % 2 == 0 && i % 5 == 0) || i % 5 == 3)
            .mapToObj(i -> (long) i)
            .toList();
    assertThat(matching(query)).isEqualTo(expected);

    List<Long> backward = new ArrayList<>();
    long from = EventStore.END;
    while (true) {
      ReadPage page = store.readByQuery(query, from, Direction.BACKWARD, 3);
      backward.addAll(positions(page.events()));
      if (page.endOfRead()) {
        break;
      }
      from = page.next();
    }
    List<Long> reversed = new ArrayList<>(expected);
    Collections.reverse(reversed);
    assertThat(backward).isEqualTo(reversed);

    ReadPage middle = store.readByQuery(query, 11, Direction.FORWARD, 2);
    assertThat(positions(middle.events())).containsExactly(13L, 18L);
    assertThat(middle.next()).isEqualTo(19L);
    ReadPage down = store.readByQuery(query, 20, Direction.BACKWARD, 2);
    assertThat(positions(down.events())).containsExactly(20L, 18L);
  }

  @Test
  void aSubscriptionByQueryCatchesUpThenGoesLive() throws Exception {
    appendFixture();
    Query query = Query.of(Query.Item.types("Subscribed").withTags("course:1"));
    SubscriptionTck.Recorder recorder = new SubscriptionTck.Recorder();
    try (Subscription subscription =
        store.subscribe(SubscriptionRequest.toAll(LogFilter.query(query)), recorder)) {
      assertThat(subscription.isClosed()).isFalse();
      Await.until("catch-up", WAIT, () -> recorder.caughtUp.get() > 0);
      assertThat(positions(recorder.snapshot())).containsExactly(2L, 4L);
      store.append("s-9", any(), List.of(tagged("Subscribed", "course:2", "student:9"))); // 7
      store.append("s-9", any(), List.of(tagged("Subscribed", "course:1", "student:9"))); // 8
      Await.until("live event", WAIT, () -> recorder.events.size() >= 3);
      assertThat(positions(recorder.snapshot())).containsExactly(2L, 4L, 8L);
    }
  }

  @Test
  void withoutAfterAnyMatchingEventFailsTheAppend() {
    appendFixture();
    AppendCondition condition = AppendCondition.failIfEventsMatch(Query.tags("student:2"));
    long head = store.headPosition();
    assertThatThrownBy(
            () -> store.append("s-4", noStream(), List.of(tagged("Subscribed")), condition))
        .isInstanceOfSatisfying(
            AppendConditionFailedException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.APPEND_CONDITION_FAILED);
              assertThat(e.conflictingPosition()).isEqualTo(4L);
            });
    assertThat(store.headPosition()).isEqualTo(head);
    AppendResult ok =
        store.append(
            "s-4",
            noStream(),
            List.of(tagged("Subscribed")),
            AppendCondition.failIfEventsMatch(Query.tags("student:3")));
    assertThat(ok.firstPosition()).isEqualTo(head + 1);
  }

  @Test
  void afterIsExclusiveAndTheFirstConflictIsReported() {
    appendFixture(); // course:1 at 0, 2, 4, 5
    Query course1 = Query.tags("course:1");
    assertThat(conditional(course1, 5)).isNull(); // equal to the last match: holds
    assertThat(conditional(course1, 6)).isNull(); // above it: holds
    assertThat(conditional(course1, 4)).isEqualTo(5L); // below: fails on 5
    assertThat(conditional(course1, 1)).isEqualTo(2L); // the first conflict, not the last
    assertThat(conditional(course1, 0)).isEqualTo(2L);
    assertThat(conditionalWithoutAfter(course1)).isEqualTo(0L);
  }

  /** Appends one event under the condition; the conflicting position, or null if it committed. */
  private Long conditional(Query query, long after) {
    return attempt(AppendCondition.failIfEventsMatch(query).after(after));
  }

  private Long conditionalWithoutAfter(Query query) {
    return attempt(AppendCondition.failIfEventsMatch(query));
  }

  private Long attempt(AppendCondition condition) {
    long head = store.headPosition();
    try {
      store.append("other-1", any(), List.of(tagged("Unrelated")), condition);
      return null;
    } catch (AppendConditionFailedException e) {
      assertThat(store.headPosition()).isEqualTo(head);
      return e.conflictingPosition();
    }
  }

  @Test
  void theAppendsOwnEventsNeverCountAgainstItsCondition() {
    AppendResult result =
        store.append(
            "c-1",
            noStream(),
            List.of(tagged("Opened", "course:1"), tagged("Closed", "course:1")),
            AppendCondition.failIfEventsMatch(Query.tags("course:1")));
    assertThat(result.lastPosition()).isEqualTo(1L);
  }

  @Test
  void aConditionCombinesWithAnExpectedRevision() {
    store.append("c-1", noStream(), List.of(tagged("Opened", "course:1"))); // 0
    store.append("x-1", noStream(), List.of(tagged("Noise", "course:9"))); // 1
    AppendCondition holds = AppendCondition.failIfEventsMatch(Query.tags("course:1")).after(0);
    AppendCondition fails = AppendCondition.failIfEventsMatch(Query.tags("course:9")).after(0);

    assertThatThrownBy(() -> store.append("c-1", exact(5), List.of(tagged("Closed")), holds))
        .isInstanceOf(WrongExpectedRevisionException.class);
    assertThatThrownBy(() -> store.append("c-1", exact(0), List.of(tagged("Closed")), fails))
        .isInstanceOfSatisfying(
            AppendConditionFailedException.class,
            e -> assertThat(e.conflictingPosition()).isEqualTo(1L));
    assertThat(store.headPosition()).isEqualTo(1L);

    AppendResult both = store.append("c-1", exact(0), List.of(tagged("Closed")), holds);
    assertThat(both.firstRevision()).isEqualTo(1L);
    assertThat(both.firstPosition()).isEqualTo(2L);
  }

  @Test
  void inAMultiStreamAppendEveryConditionMustHoldAndAFailureWritesNoStream() {
    store.append("a-1", noStream(), List.of(tagged("Opened", "k:a"))); // 0
    store.append("b-1", noStream(), List.of(tagged("Opened", "k:b"))); // 1
    AppendRequest toA =
        AppendRequest.of("a-1", exact(0), tagged("Moved", "k:a"))
            .withCondition(AppendCondition.failIfEventsMatch(Query.tags("k:a")).after(0));
    AppendRequest toB =
        AppendRequest.of("b-1", exact(0), tagged("Moved", "k:b"))
            .withCondition(AppendCondition.failIfEventsMatch(Query.tags("k:b")).after(0));
    assertThatThrownBy(() -> store.appendAll(List.of(toA, toB)))
        .isInstanceOfSatisfying(
            AppendConditionFailedException.class,
            e -> assertThat(e.conflictingPosition()).isEqualTo(1L));
    assertThat(store.headPosition()).isEqualTo(1L);
    assertThat(readWholeStream("a-1")).hasSize(1);

    // Each condition sees the log before the append: toA's new k:a event does not break toB's.
    AppendRequest toBOnA =
        AppendRequest.of("b-1", exact(0), tagged("Moved", "k:b"))
            .withCondition(AppendCondition.failIfEventsMatch(Query.tags("k:a")).after(0));
    MultiAppendResult result = store.appendAll(List.of(toA, toBOnA));
    assertThat(result.results()).hasSize(2);
    assertThat(result.results().get(1).firstPosition()).isEqualTo(3L);
  }

  @Test
  void anIdempotentRetryOfACommittedConditionalAppendReturnsTheOriginalResult() {
    store.append("c-1", noStream(), List.of(tagged("Opened", "course:1"))); // 0
    AppendCondition condition = AppendCondition.failIfEventsMatch(Query.tags("course:1")).after(0);
    List<EventData> sent = List.of(tagged("Closed", "course:1"));
    AppendResult original = store.append("c-1", exact(0), sent, condition);
    store.append("c-1", any(), List.of(tagged("Reopened", "course:1")));
    AppendResult retried = store.append("c-1", exact(0), sent, condition);
    assertThat(retried).isEqualTo(original);
    assertThat(store.headPosition()).isEqualTo(2L);
    reopen();
    assertThat(store.append("c-1", exact(0), sent, condition)).isEqualTo(original);
  }

  @Test
  void aConditionSeesAppendsQueuedJustBeforeIt() {
    // Queued back to back, the two often share a batch: the second must see the first's event
    // whether it is staged in the same batch or already committed.
    for (int i = 0; i < 50; i++) {
      long head = store.headPosition();
      CompletableFuture<AppendResult> first =
          store.appendAsync(AppendRequest.of("r-" + i, noStream(), tagged("Claimed", "slot:" + i)));
      CompletableFuture<AppendResult> second =
          store.appendAsync(
              AppendRequest.of("q-" + i, noStream(), tagged("Claimed", "slot:" + i))
                  .withCondition(new AppendCondition(Query.tags("slot:" + i), head)));
      assertThat(first.join().firstPosition()).isEqualTo(head + 1);
      assertThatThrownBy(second::join)
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOfSatisfying(
              AppendConditionFailedException.class,
              e -> assertThat(e.conflictingPosition()).isEqualTo(head + 1));
    }
    assertThat(store.headPosition()).isEqualTo(49L);
  }

  @Test
  void aFailedConditionFailsOnlyItsOwnAppend() {
    store.append("c-1", noStream(), List.of(tagged("Opened", "course:1"))); // 0
    List<CompletableFuture<AppendResult>> futures = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      AppendCondition condition =
          AppendCondition.failIfEventsMatch(Query.tags(i % 2 == 0 ? "course:1" : "course:2"));
      futures.add(
          store.appendAsync(
              AppendRequest.of("o-" + i, noStream(), tagged("Other")).withCondition(condition)));
    }
    for (int i = 0; i < futures.size(); i++) {
      CompletableFuture<AppendResult> future = futures.get(i);
      if (i % 2 == 0) {
        assertThatThrownBy(future::join).cause().isInstanceOf(AppendConditionFailedException.class);
      } else {
        assertThat(future.join().lastRevision()).isZero();
      }
    }
    assertThat(store.headPosition()).isEqualTo(10L);
  }

  @Test
  void queriesBeyondTheLimitsAreRejectedAndWriteNothing() {
    store.append("c-1", noStream(), List.of(tagged("Opened", "course:1")));
    List<Query.Item> many = new ArrayList<>();
    for (int i = 0; i <= options().limits().maxQueryItems(); i++) {
      many.add(Query.Item.tags("t" + i));
    }
    Query tooManyItems = new Query(many);
    String[] tags =
        IntStream.rangeClosed(0, options().limits().maxQueryTermsPerItem())
            .mapToObj(i -> "t" + i)
            .toArray(String[]::new);
    Query tooManyTerms = Query.tags(tags);
    Query badTag = Query.tags("bad\u0001tag");
    Query emptyType = Query.types("");
    for (Query bad : List.of(tooManyItems, tooManyTerms, badTag, emptyType)) {
      assertThatThrownBy(
              () ->
                  store.append(
                      "c-1",
                      any(),
                      List.of(tagged("Closed")),
                      AppendCondition.failIfEventsMatch(bad)))
          .isInstanceOf(InvalidArgumentException.class);
      assertThatThrownBy(() -> store.readByQuery(bad, 0, Direction.FORWARD, 10))
          .isInstanceOf(InvalidArgumentException.class);
      assertThatThrownBy(
              () ->
                  store.subscribe(
                      SubscriptionRequest.toAll(LogFilter.query(bad)),
                      new SubscriptionTck.Recorder()))
          .isInstanceOf(FactumException.class);
    }
    assertThatThrownBy(() -> AppendCondition.failIfEventsMatch(Query.all()).after(-1))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> new AppendCondition(Query.all(), -2))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> Query.tags("a", null)).isInstanceOf(InvalidArgumentException.class);
    assertThat(store.headPosition()).isZero();
  }

  /**
   * The dcb.events consistency check (see {@link DcbConsistencyCheck}): 20 writers deciding on
   * random overlapping queries; no decision may have been made on stale facts.
   */
  @Test
  void concurrentConditionalAppendsNeverDecideOnStaleFacts() throws Exception {
    assertThat(DcbConsistencyCheck.run(List.of(store), 20, 15)).isPositive();
  }

  @Test
  void conditionalAppendsOnDisjointQueriesNeverFail() throws Exception {
    int appends = DcbConsistencyCheck.runDisjoint(List.of(store), 20, 15);
    assertThat(store.headPosition()).isEqualTo(appends - 1L);
  }
}
