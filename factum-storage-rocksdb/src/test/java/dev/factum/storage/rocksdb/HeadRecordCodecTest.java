package dev.factum.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.DataCorruptedException;
import dev.factum.api.StreamState;
import dev.factum.engine.spi.StreamHead;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class HeadRecordCodecTest {
  private static final byte[] KEY = Keys.utf8("order-1");

  @Property(tries = 200)
  void headsRoundTripAndAnyChangedByteIsDetected(
      @ForAll @LongRange(min = 0, max = 1L << 40) long revision,
      @ForAll @IntRange(min = 0, max = 2) int statusIndex,
      @ForAll @IntRange(min = 0, max = HeadRecordCodec.LENGTH - 1) int at,
      @ForAll @IntRange(min = 1, max = 255) int xor) {
    StreamState.Status status =
        new StreamState.Status[] {
              StreamState.Status.ACTIVE, StreamState.Status.DELETED, StreamState.Status.TOMBSTONED
            }
            [statusIndex];
    StreamHead head =
        new StreamHead(
            revision, revision * 3, status == StreamState.Status.ACTIVE ? 0 : revision + 1, status);
    byte[] record = HeadRecordCodec.encode(KEY, head);
    assertThat(HeadRecordCodec.decode(KEY, record)).isEqualTo(head);
    assertThatThrownBy(() -> HeadRecordCodec.decode(Keys.utf8("order-2"), record))
        .isInstanceOf(DataCorruptedException.class);
    record[at] ^= (byte) xor;
    assertThatThrownBy(() -> HeadRecordCodec.decode(KEY, record))
        .isInstanceOf(DataCorruptedException.class)
        .hasMessageContaining("order-1");
  }
}
