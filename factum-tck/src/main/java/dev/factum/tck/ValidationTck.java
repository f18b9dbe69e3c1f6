package dev.factum.tck;

import static dev.factum.api.ExpectedRevision.any;
import static dev.factum.api.ExpectedRevision.noStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.AppendRequest;
import dev.factum.api.Direction;
import dev.factum.api.ErrorCode;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.FactumException;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LimitExceededException;
import dev.factum.api.LimitExceededException.Limit;
import dev.factum.api.Limits;
import dev.factum.api.LogFilter;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamNotFoundException;
import dev.factum.api.SubscriptionRequest;
import dev.factum.engine.StoreOptions;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input is rejected with {@link ErrorCode#INVALID_ARGUMENT}, and a request over one of the
 * {@link Limits} with {@link ErrorCode#LIMIT_EXCEEDED} naming that limit, before anything is
 * written. After each test the whole state must be as the one event written up front left it: the
 * same log and the same stream read byte for byte, the same head, no other stream, the same after a
 * reopen; and the heads the writer holds in memory must be untouched too, which only writing shows:
 * appends expecting exactly those heads (revision 0 of the existing stream, no stream elsewhere)
 * succeed at the next positions.
 */
public abstract class ValidationTck extends TckSupport {
  private static final Limits LIMITS = Limits.DEFAULT;

  @Override
  protected StoreOptions options() {
    return StoreOptions.DEFAULT.withLimits(LIMITS);
  }

  /** Every stream a test of this class names in a rejected write. */
  private static final List<String> TARGETS = List.of("s-1", "a-1", "b-1");

  private List<RecordedEvent> logBefore;

  @BeforeEach
  void writeOneEvent() {
    store.append("existing-1", noStream(), events(1));
    logBefore = readWholeLog(LogFilter.none());
    assertThat(logBefore).hasSize(1);
  }

  @AfterEach
  void nothingWasWritten() {
    if (store.isStopped()) {
      return; // the test failed otherwise; TckSupport reports it
    }
    assertStateUnchanged();
    reopen();
    assertStateUnchanged();
    assertThat(store.append("existing-1", ExpectedRevision.exact(0), events(1)).firstPosition())
        .isEqualTo(1);
    for (int i = 0; i < TARGETS.size(); i++) {
      assertThat(store.append(TARGETS.get(i), noStream(), events(1)).firstPosition())
          .as("%s was never written", TARGETS.get(i))
          .isEqualTo(2 + i);
    }
  }

  private void assertStateUnchanged() {
    assertThat(store.headPosition()).isEqualTo(0);
    assertThat(readWholeLog(LogFilter.none())).isEqualTo(logBefore);
    assertThat(readWholeStream("existing-1")).isEqualTo(logBefore);
    assertThat(store.streamState("existing-1").lastRevision()).isEqualTo(0);
    for (String target : TARGETS) {
      assertThat(store.streamState(target).exists()).as(target).isFalse();
      assertThatThrownBy(() -> store.readStream(target, 0, Direction.FORWARD, 1))
          .as(target)
          .isInstanceOf(StreamNotFoundException.class);
    }
  }

  @Test
  void badStreamNamesAreRejected() {
    String tooLong = "x".repeat(LIMITS.maxNameBytes() + 1);
    String tooLongInUtf8 = "é".repeat(LIMITS.maxNameBytes() / 2 + 1);
    for (String name :
        new String[] {
          null,
          "",
          "a\u0000b",
          "tab\tname",
          "line\nbreak",
          "bad\uD800surrogate",
          "\uDC00lone",
          "$system"
        }) {
      rejected(() -> store.append(name, any(), events(1)));
      rejected(() -> store.readStream(name, 0, Direction.FORWARD, 1));
      rejected(() -> store.streamState(name));
      rejected(() -> store.delete(name, any()));
    }
    for (String name : new String[] {tooLong, tooLongInUtf8}) {
      overLimit(Limit.NAME_BYTES, () -> store.append(name, any(), events(1)));
      overLimit(Limit.NAME_BYTES, () -> store.readStream(name, 0, Direction.FORWARD, 1));
      overLimit(Limit.NAME_BYTES, () -> store.streamState(name));
      overLimit(Limit.NAME_BYTES, () -> store.delete(name, any()));
    }
  }

  @Test
  void aNameAtTheLimitIsValid() {
    String longest = "y".repeat(LIMITS.maxNameBytes());
    assertThat(store.streamState(longest).exists()).isFalse();
    assertThat(store.streamState("é".repeat(LIMITS.maxNameBytes() / 2)).exists()).isFalse();
  }

  @Test
  void badEventsAreRejected() {
    byte[] huge = jsonOfSize(LIMITS.maxEventBytes() + 1);
    List<Set<String>> badTags = new ArrayList<>();
    badTags.add(Set.of(""));
    badTags.add(Set.of("a\nb"));
    rejected(() -> store.append("s-1", any(), List.of()));
    rejected(() -> store.append("s-1", any(), null));
    rejected(() -> store.append("s-1", any(), Collections.singletonList(null)));
    rejected(() -> store.append("s-1", null, events(1)));
    rejected(() -> store.append("s-1", any(), List.of(EventData.json(null, "{}"))));
    rejected(() -> store.append("s-1", any(), List.of(EventData.json("", "{}"))));
    rejected(() -> store.append("s-1", any(), List.of(EventData.json("T", (byte[]) null))));
    overLimit(
        Limit.EVENT_BYTES, () -> store.append("s-1", any(), List.of(EventData.json("T", huge))));
    overLimit(
        Limit.EVENT_BYTES,
        () ->
            store.append(
                "s-1",
                any(),
                List.of(
                    EventData.json("T", jsonOfSize(LIMITS.maxEventBytes() / 2 + 1))
                        .withMetadata(objectOfSize(LIMITS.maxEventBytes() / 2 + 1)))));
    rejected(() -> store.append("s-1", any(), List.of(EventData.json("T", "not json {"))));
    rejected(() -> store.append("s-1", any(), List.of(EventData.json("T", "{} {}"))));
    rejected(
        () ->
            store.append(
                "s-1",
                any(),
                List.of(event(1).withMetadata("[1,2]".getBytes(StandardCharsets.UTF_8)))));
    // JSON that is not valid Unicode: a lone surrogate escape, an encoded surrogate, an overlong
    // form (in data or in metadata). Stored, it could not be exported or decoded unchanged.
    for (byte[] bad :
        List.of(
            "{\"s\":\"\\ud800\"}".getBytes(StandardCharsets.UTF_8),
            "[\"\\udc00\\ud800\"]".getBytes(StandardCharsets.UTF_8),
            new byte[] {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'},
            new byte[] {'"', (byte) 0xC0, (byte) 0xAF, '"'})) {
      rejected(() -> store.append("s-1", any(), List.of(EventData.json("T", bad))));
      if (bad[0] == '{') {
        rejected(() -> store.append("s-1", any(), List.of(event(1).withMetadata(bad))));
      }
    }
    rejected(() -> event(1).withTags(new HashSet<>(Arrays.asList("a", null))));
    for (Set<String> tags : badTags) {
      rejected(() -> store.append("s-1", any(), List.of(event(1).withTags(tags))));
    }
  }

  @Test
  void oversizedAppendsAreRejected() {
    List<EventData> tooMany = new ArrayList<>();
    for (int i = 0; i <= LIMITS.maxEventsPerAppend(); i++) {
      tooMany.add(event(i));
    }
    overLimit(Limit.EVENTS_PER_APPEND, () -> store.append("s-1", any(), tooMany));
    List<EventData> tooBig = new ArrayList<>();
    for (long bytes = 0; bytes <= LIMITS.maxAppendBytes(); bytes += LIMITS.maxEventBytes()) {
      tooBig.add(EventData.json("T", jsonOfSize(LIMITS.maxEventBytes())));
    }
    overLimit(Limit.APPEND_BYTES, () -> store.append("s-1", any(), tooBig));
  }

  @Test
  void duplicateIdsWithinOneAppendAreRejected() {
    UUID id = UUID.randomUUID();
    rejected(() -> store.append("s-1", any(), List.of(event(1).withId(id), event(2).withId(id))));
    rejected(
        () ->
            store.appendAll(
                List.of(
                    new AppendRequest("a-1", any(), List.of(event(1).withId(id))),
                    new AppendRequest("b-1", any(), List.of(event(2).withId(id))))));
    rejected(() -> store.appendAll(List.of()));
    rejected(() -> store.appendAll(null));
  }

  @Test
  void badReadArgumentsAreRejected() {
    rejected(() -> store.readStream("existing-1", -1, Direction.FORWARD, 10));
    rejected(() -> store.readStream("existing-1", 0, Direction.FORWARD, 0));
    overLimit(
        Limit.READ_LIMIT,
        () -> store.readStream("existing-1", 0, Direction.FORWARD, LIMITS.maxReadLimit() + 1));
    rejected(() -> store.readStream("existing-1", 0, null, 10));
    rejected(() -> store.readAll(-5, Direction.FORWARD, 10, LogFilter.none()));
    rejected(() -> store.readAll(0, Direction.BACKWARD, -1, LogFilter.none()));
    rejected(() -> store.readAll(0, Direction.FORWARD, 10, LogFilter.categories("bad\nvalue")));
    rejected(() -> LogFilter.categories());
    rejected(() -> LogFilter.categories("ok", null));
    assertThat(LogFilter.categories("order", "order").values()).containsExactly("order");
  }

  @Test
  void badExpectedRevisionsAndSubscriptionsAreRejected() {
    rejected(() -> ExpectedRevision.exact(-1));
    for (String text :
        new String[] {
          null,
          "",
          "-1",
          "ANY",
          "noStream",
          "1.5",
          "99999999999999999999",
          "9999999999999999999",
          " 1"
        }) {
      rejected(() -> ExpectedRevision.parse(text));
    }
    assertThat(ExpectedRevision.parse("no_stream")).isEqualTo(noStream());
    assertThat(ExpectedRevision.parse("17")).isEqualTo(ExpectedRevision.exact(17));
    rejected(() -> SubscriptionRequest.toAll().from(-1));
    rejected(() -> store.subscribe(SubscriptionRequest.toStream("$bad"), e -> {}));
    rejected(() -> store.subscribe(null, e -> {}));
  }

  @Test
  void everyLimitIsALimitExceededNamingIt() {
    String longName = "n".repeat(LIMITS.maxNameBytes() + 1);
    overLimit(Limit.NAME_BYTES, () -> store.append("s-1", any(), List.of(event(longName, "{}"))));
    overLimit(
        Limit.NAME_BYTES,
        () ->
            store.append(
                "s-1",
                any(),
                List.of(new EventData(null, "T", longName, new byte[] {1}, null, Set.of()))));
    overLimit(
        Limit.NAME_BYTES,
        () -> store.append("s-1", any(), List.of(event(1).withTags(Set.of(longName)))));
    overLimit(
        Limit.NAME_BYTES,
        () -> store.readAll(0, Direction.FORWARD, 10, LogFilter.categories(longName)));
    overLimit(
        Limit.NAME_BYTES, () -> store.subscribe(SubscriptionRequest.toStream(longName), e -> {}));
    List<String> many = new ArrayList<>();
    for (int i = 0; i <= LIMITS.maxTagsPerEvent(); i++) {
      many.add("t" + i);
    }
    overLimit(
        Limit.TAGS_PER_EVENT,
        () -> store.append("s-1", any(), List.of(event(1).withTags(Set.copyOf(many)))));
    // All streams of a multi-stream append count together.
    List<EventData> half = events(LIMITS.maxEventsPerAppend() / 2 + 1);
    overLimit(
        Limit.EVENTS_PER_APPEND,
        () ->
            store.appendAll(
                List.of(
                    new AppendRequest("a-1", any(), half), new AppendRequest("b-1", any(), half))));
    List<EventData> big = new ArrayList<>();
    for (long bytes = 0; bytes <= LIMITS.maxAppendBytes() / 2; bytes += LIMITS.maxEventBytes()) {
      big.add(EventData.json("T", jsonOfSize(LIMITS.maxEventBytes())));
    }
    overLimit(
        Limit.APPEND_BYTES,
        () ->
            store.appendAll(
                List.of(
                    new AppendRequest("a-1", any(), big), new AppendRequest("b-1", any(), big))));
    overLimit(
        Limit.READ_LIMIT,
        () -> store.readAll(0, Direction.FORWARD, LIMITS.maxReadLimit() + 1, LogFilter.none()));
    // An import is held to the same limits.
    overLimit(
        Limit.EVENTS_PER_APPEND,
        () -> store.importEvents(imports(LIMITS.maxEventsPerAppend() + 1, 2)));
    overLimit(
        Limit.APPEND_BYTES,
        () ->
            store.importEvents(
                imports(
                    LIMITS.maxAppendBytes() / LIMITS.maxEventBytes() + 1, LIMITS.maxEventBytes())));
    overLimit(Limit.EVENT_BYTES, () -> store.importEvents(imports(1, LIMITS.maxEventBytes() + 1)));
  }

  /** {@code count} events to import into {@code s-1}, each of {@code size} bytes of JSON data. */
  private static List<RecordedEvent> imports(int count, int size) {
    byte[] data = jsonOfSize(size);
    Instant timestamp = Instant.parse("2026-01-01T00:00:00Z");
    List<RecordedEvent> events = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      events.add(
          new RecordedEvent(
              UUID.randomUUID(),
              "s-1",
              i,
              -1,
              timestamp,
              "T",
              EventData.JSON,
              data,
              null,
              Set.of()));
    }
    return events;
  }

  /** A JSON string value of exactly {@code size} bytes: valid JSON, so only its size is wrong. */
  private static byte[] jsonOfSize(int size) {
    byte[] json = new byte[size];
    Arrays.fill(json, (byte) 'x');
    json[0] = '"';
    json[size - 1] = '"';
    return json;
  }

  private static byte[] objectOfSize(int size) {
    byte[] json = jsonOfSize(size);
    byte[] prefix = "{\"p\":".getBytes(StandardCharsets.UTF_8);
    byte[] object = new byte[size];
    System.arraycopy(prefix, 0, object, 0, prefix.length);
    System.arraycopy(json, 0, object, prefix.length, size - prefix.length - 1);
    object[prefix.length] = '"';
    object[size - 2] = '"';
    object[size - 1] = '}';
    return object;
  }

  /** Refused as over {@code limit}, with its maximum and a larger actual value. */
  private static void overLimit(Limit limit, ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            LimitExceededException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
              assertThat(e.limit()).isEqualTo(limit);
              assertThat(e.max()).isEqualTo(limit.in(LIMITS));
              assertThat(e.actual()).isGreaterThan(e.max());
            });
  }

  private static void rejected(ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOf(InvalidArgumentException.class)
        .extracting(e -> ((FactumException) e).code())
        .isEqualTo(ErrorCode.INVALID_ARGUMENT);
  }
}
