package dev.factum.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.StreamDeletion;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * The data of a deletion event: what the store writes is valid JSON and reads back as the same
 * deletion, for every valid stream name; anything else reads as no deletion, never as a wrong one.
 */
class StreamDeletionTest {

  @Provide
  Arbitrary<String> streamNames() {
    return Arbitraries.strings()
        .all()
        .ofMinLength(1)
        .ofMaxLength(40)
        .filter(s -> s.codePoints().noneMatch(Character::isISOControl))
        .filter(s -> StandardCharsets.UTF_8.newEncoder().canEncode(s));
  }

  @Property(tries = 500)
  void whatTheStoreWritesReadsBackAsTheSameDeletion(
      @ForAll("streamNames") String stream,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long truncateBefore,
      @ForAll boolean tombstone) {
    StreamDeletion deletion = new StreamDeletion(stream, truncateBefore, tombstone);
    byte[] json = deletion.json();
    assertThat(JsonSyntax.isValue(json)).isTrue();
    assertThat(StreamDeletion.of(deletion.type(), json)).contains(deletion);
    assertThat(StreamDeletion.of("Other", json)).isEmpty();
  }

  @Property(tries = 500)
  void arbitraryDataIsNeverMistakenForADeletionItDoesNotSpell(@ForAll byte[] data) {
    Optional<StreamDeletion> read = StreamDeletion.of(StreamDeletion.DELETED, data);
    read.ifPresent(
        d -> assertThat(new String(data, StandardCharsets.UTF_8)).contains("truncateBefore"));
  }

  @Test
  void equivalentSpellingsAreReadAndOthersAreNot() {
    assertThat(
            StreamDeletion.of(
                StreamDeletion.TOMBSTONED,
                " { \"stream\" : \"a\\u002db\\\"\" , \"truncateBefore\" : 12 } "
                    .getBytes(StandardCharsets.UTF_8)))
        .contains(new StreamDeletion("a-b\"", 12, true));
    for (String bad :
        new String[] {
          "{}",
          "{\"stream\":\"a\"}",
          "{\"truncateBefore\":1,\"stream\":\"a\"}",
          "{\"stream\":\"\",\"truncateBefore\":1}",
          "{\"stream\":\"a\",\"truncateBefore\":-1}",
          "{\"stream\":\"a\",\"truncateBefore\":01}",
          "{\"stream\":\"a\",\"truncateBefore\":1.0}",
          "{\"stream\":\"a\",\"truncateBefore\":99999999999999999999}",
          "{\"stream\":\"a\",\"truncateBefore\":1,\"x\":2}",
          "{\"stream\":\"a\",\"truncateBefore\":1}}",
          "{\"stream\":\"a\\uZZZZ\",\"truncateBefore\":1}",
          "{\"stream\":\"a\\u+123\",\"truncateBefore\":1}",
          "{\"stream\":\"a\",\"truncateBefore\":1"
        }) {
      assertThat(StreamDeletion.of(StreamDeletion.DELETED, bad.getBytes(StandardCharsets.UTF_8)))
          .as(bad)
          .isEmpty();
    }
  }
}
