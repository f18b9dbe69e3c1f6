package dev.factum.engine;

import static dev.factum.api.ExpectedRevision.any;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.AppendRequest;
import dev.factum.api.ErrorCode;
import dev.factum.api.EventData;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LimitExceededException;
import dev.factum.api.LimitExceededException.Limit;
import dev.factum.api.Limits;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every documented limit ({@link Limits}) is exact: a request at the limit is accepted, one unit
 * over it refused, and names are measured in UTF-8 bytes as encoded (1, 2, 3 and 4 bytes per code
 * point, at each boundary). The TCK checks refusals end to end; this pins the edges, with small
 * limits so that it stays instant. Found by mutation testing (docs/RELIABILITY.md): every boundary
 * could be moved by one without a test noticing.
 */
class RequestValidatorTest {
  private static final Limits SMALL = new Limits(16, 64, 5, 128, 3, 10);
  private final RequestValidator validator = new RequestValidator(SMALL);

  private static EventData json(int bytes) {
    // "\"xxx...\"" is valid JSON of exactly `bytes` bytes
    return EventData.json("T", "\"" + "x".repeat(bytes - 2) + "\"");
  }

  private void accepted(List<AppendRequest> parts) {
    assertThatCode(() -> validator.validateAppend(parts)).doesNotThrowAnyException();
  }

  /** Refused as over {@code limit}, whose maximum in {@link #SMALL} {@code actual} exceeds. */
  private void refused(Limit limit, long actual, List<AppendRequest> parts) {
    assertThatThrownBy(() -> validator.validateAppend(parts))
        .isInstanceOfSatisfying(
            LimitExceededException.class,
            e -> {
              assertThat(e.limit()).isEqualTo(limit);
              assertThat(e.code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
              assertThat(e.max()).isEqualTo(limit.in(SMALL));
              assertThat(e.actual()).isEqualTo(actual);
            });
  }

  private static List<AppendRequest> one(EventData... events) {
    return List.of(AppendRequest.of("s-1", any(), events));
  }

  @Test
  void eventBytesCountDataAndMetadataUpToTheLimit() {
    accepted(one(json(64)));
    refused(Limit.EVENT_BYTES, 65, one(json(65)));
    byte[] metadata = "{\"m\":\"xxxxxx\"}".getBytes(StandardCharsets.UTF_8); // 14 bytes
    accepted(one(json(50).withMetadata(metadata)));
    refused(Limit.EVENT_BYTES, 65, one(json(51).withMetadata(metadata)));
  }

  @Test
  void eventsPerAppendCountEveryStreamUpToTheLimit() {
    List<EventData> five = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      five.add(json(2));
    }
    accepted(one(five.toArray(EventData[]::new)));
    refused(
        Limit.EVENTS_PER_APPEND,
        6,
        List.of(
            AppendRequest.of("a-1", any(), five.subList(0, 3).toArray(EventData[]::new)),
            AppendRequest.of("b-1", any(), json(2), json(2), json(2))));
    accepted(
        List.of(
            AppendRequest.of("a-1", any(), json(2), json(2)),
            AppendRequest.of("b-1", any(), json(2), json(2), json(2))));
  }

  @Test
  void appendBytesCountEveryStreamUpToTheLimit() {
    accepted(
        List.of(
            AppendRequest.of("a-1", any(), json(64)), AppendRequest.of("b-1", any(), json(64))));
    refused(
        Limit.APPEND_BYTES,
        129,
        List.of(
            AppendRequest.of("a-1", any(), json(64)),
            AppendRequest.of("b-1", any(), json(63), json(2))));
  }

  @Test
  void tagsPerEventUpToTheLimit() {
    accepted(one(json(2).withTags(Set.of("a", "b", "c"))));
    refused(Limit.TAGS_PER_EVENT, 4, one(json(2).withTags(Set.of("a", "b", "c", "d"))));
  }

  @Test
  void namesAreMeasuredInUtf8BytesAtEveryEncodingBoundary() {
    // limit 16 bytes (application/json must fit); each case: the longest accepted, then more
    List<String[]> cases =
        List.of(
            new String[] {"abcdefghijklmnop", "abcdefghijklmnopq"}, // 1 byte each
            // U+0080 to U+009F are control characters, refused anyway: U+00A0 is the first
            // 2-byte character a name may hold
            new String[] {"\u00a0".repeat(8), "\u00a0".repeat(8) + "a"},
            new String[] {"\u07ff".repeat(8), "\u07ff".repeat(8) + "a"}, // U+07FF: 2 bytes
            new String[] {"\u0800".repeat(5) + "a", "\u0800".repeat(6)}, // U+0800: 3 bytes
            new String[] {"\uffef".repeat(5) + "a", "\uffef".repeat(5) + "ab"}, // 3 bytes
            new String[] {"\ud83d\ude00".repeat(4), "\ud83d\ude00".repeat(4) + "a"}); // 4 bytes
    for (String[] edge : cases) {
      assertThatCode(() -> validator.checkName("stream name", edge[0]))
          .as("%s is within 16 bytes", edge[0])
          .doesNotThrowAnyException();
      assertThatThrownBy(() -> validator.checkName("stream name", edge[1]))
          .as("%s is over 16 bytes", edge[1])
          .isInstanceOfSatisfying(
              LimitExceededException.class,
              e -> {
                assertThat(e.limit()).isEqualTo(Limit.NAME_BYTES);
                assertThat(e.max()).isEqualTo(16);
                assertThat(e.actual())
                    .isEqualTo(edge[1].getBytes(StandardCharsets.UTF_8).length)
                    .isGreaterThan(16);
              });
    }
  }

  @Test
  void surrogatesMustBePaired() {
    Set<String> bad = new HashSet<>(List.of("a\ud83d", "\ud83da", "\ude00a", "a\ude00\ud83d"));
    for (String name : bad) {
      assertThatThrownBy(() -> validator.checkName("tag", name))
          .as(name)
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("surrogate");
    }
    assertThatCode(() -> validator.checkName("tag", "a\ud83d\ude00")).doesNotThrowAnyException();
  }

  @Test
  void readLimitsFromOneToTheLimit() {
    assertThatCode(() -> validator.checkReadLimit(1)).doesNotThrowAnyException();
    assertThatCode(() -> validator.checkReadLimit(10)).doesNotThrowAnyException();
    assertThatThrownBy(() -> validator.checkReadLimit(0))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> validator.checkReadLimit(11))
        .isInstanceOfSatisfying(
            LimitExceededException.class, e -> assertThat(e.limit()).isEqualTo(Limit.READ_LIMIT));
  }
}
