package dev.factum.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.DataCorruptedException;
import dev.factum.api.RecordedEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The event record format: every event round-trips exactly, and every damaged record (a changed
 * byte, a truncation, a record under the wrong position, random bytes) is refused as corrupt, never
 * decoded into a different event and never failing any other way.
 */
class EventRecordCodecTest {

  @Provide
  Arbitrary<RecordedEvent> events() {
    Arbitrary<String> names =
        Arbitraries.strings()
            .withCharRange('!', '~')
            .withChars('é', '✓', 'ü', '中')
            .ofMinLength(1)
            .ofMaxLength(40);
    Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    return Combinators.combine(
            Arbitraries.longs().between(0, Long.MAX_VALUE / 2),
            Arbitraries.longs().between(0, 1L << 40),
            names,
            names,
            bytes,
            bytes.injectNull(0.3),
            names.set().ofMaxSize(5),
            Arbitraries.longs().between(0, 4_000_000_000_000_000L))
        .as(
            (position, revision, stream, type, data, metadata, tags, micros) ->
                new RecordedEvent(
                    UUID.randomUUID(),
                    stream,
                    revision,
                    position,
                    EventRecordCodec.fromMicros(micros),
                    type,
                    "application/json",
                    data,
                    metadata,
                    Set.copyOf(tags)));
  }

  @Property(tries = 300)
  void everyEventRoundTrips(@ForAll("events") RecordedEvent event) {
    RecordedEvent decoded =
        EventRecordCodec.decode(event.position(), EventRecordCodec.encode(event));
    assertThat(decoded).isEqualTo(event);
  }

  @Property(tries = 300)
  void anyChangedByteIsDetected(
      @ForAll("events") RecordedEvent event,
      @ForAll @IntRange(min = 0, max = 10_000) int at,
      @ForAll @IntRange(min = 1, max = 255) int xor) {
    byte[] record = EventRecordCodec.encode(event);
    record[at % record.length] ^= (byte) xor;
    assertThatThrownBy(() -> EventRecordCodec.decode(event.position(), record))
        .isInstanceOf(DataCorruptedException.class)
        .hasMessageContaining("position " + event.position());
  }

  @Property(tries = 200)
  void anyTruncationIsDetected(
      @ForAll("events") RecordedEvent event, @ForAll @IntRange(min = 1, max = 10_000) int cut) {
    byte[] record = EventRecordCodec.encode(event);
    byte[] truncated = Arrays.copyOf(record, record.length - 1 - cut % record.length);
    assertThatThrownBy(() -> EventRecordCodec.decode(event.position(), truncated))
        .isInstanceOf(DataCorruptedException.class);
  }

  @Property(tries = 100)
  void aRecordUnderAnotherPositionIsDetected(@ForAll("events") RecordedEvent event) {
    byte[] record = EventRecordCodec.encode(event);
    assertThatThrownBy(() -> EventRecordCodec.decode(event.position() + 1, record))
        .isInstanceOf(DataCorruptedException.class)
        .hasMessageContaining("checksum");
  }

  @Property(tries = 500)
  void randomBytesAreRefusedCleanly(@ForAll @Size(max = 200) byte[] garbage) {
    assertThatThrownBy(() -> EventRecordCodec.decode(7, garbage))
        .isInstanceOf(DataCorruptedException.class);
  }

  @Property(tries = 200)
  void aWellFormedRecordWithInvalidUtf8IsRefused(@ForAll @IntRange(min = 0, max = 5) int where) {
    RecordedEvent event =
        new RecordedEvent(
            UUID.randomUUID(),
            "stream-1",
            0,
            3,
            Instant.EPOCH,
            "Type",
            "application/json",
            new byte[] {1},
            null,
            Set.of());
    byte[] record = EventRecordCodec.encode(event);
    // the stream name starts after header (9) + id (16) + revision (8) + time (8) + length (2)
    record[43 + where] = (byte) 0xC3; // a lead byte followed by ASCII: malformed UTF-8
    ByteBuffer.wrap(record, 1, 4).putInt(EventRecordCodec.checksum(3, record));
    assertThatThrownBy(() -> EventRecordCodec.decode(3, record))
        .isInstanceOf(DataCorruptedException.class)
        .hasMessageContaining("UTF-8");
  }

  @Test
  void tagsThatAreNotDistinctAndAscendingAreRefused() {
    RecordedEvent event =
        new RecordedEvent(
            UUID.randomUUID(),
            "stream-1",
            0,
            3,
            Instant.EPOCH,
            "Type",
            "application/json",
            new byte[] {1},
            null,
            Set.of("tag-b", "tag-c"));
    byte[] written = EventRecordCodec.encode(event);
    int second = indexOf(written, "tag-c".getBytes(StandardCharsets.US_ASCII));
    for (byte last : new byte[] {'b', 'a'}) { // a duplicate, then a descending pair
      byte[] record = written.clone();
      record[second + 4] = last;
      ByteBuffer.wrap(record, 1, 4).putInt(EventRecordCodec.checksum(3, record));
      assertThatThrownBy(() -> EventRecordCodec.decode(3, record))
          .as("second tag tag-%c", (char) last)
          .isInstanceOf(DataCorruptedException.class)
          .hasMessageContaining("distinct and in ascending order");
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }

  @Property(tries = 50)
  void timestampsKeepMicrosecondPrecision(@ForAll long micros) {
    long bounded = micros / 4096;
    assertThat(EventRecordCodec.toMicros(EventRecordCodec.fromMicros(bounded))).isEqualTo(bounded);
  }
}
