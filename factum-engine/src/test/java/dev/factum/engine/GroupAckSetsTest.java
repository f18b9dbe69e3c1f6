package dev.factum.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.DataCorruptedException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An {@code acks/P} record may be deleted only once every position in it is below its partition's
 * durable checkpoint, whichever partitions they are in; a delete that failed is offered again; and
 * the record's value reads back exactly, a damaged one being refused, not misread.
 */
class GroupAckSetsTest {
  @Test
  void aRecordIsDeletableOnlyOnceEveryPartitionsCheckpointPassedItsPositions() {
    GroupAckSets sets = new GroupAckSets();
    sets.add("acks/a", set(new int[] {3, 7, 3}, new long[] {10, 11, 14}));
    sets.add("acks/b", set(new int[] {7}, new long[] {20}));

    sets.covered(3, 12); // passes 10, not 14
    sets.covered(7, 12); // passes 11
    assertThat(sets.takeDeletable()).isEmpty();

    sets.covered(3, 15); // passes 14: all of acks/a
    assertThat(sets.takeDeletable()).containsExactly("acks/a");
    assertThat(sets.takeDeletable()).as("taken once").isEmpty();

    sets.covered(7, 21);
    List<String> taken = sets.takeDeletable();
    assertThat(taken).containsExactly("acks/b");
    sets.giveBack(taken); // the flush deleting it failed
    assertThat(sets.hasDeletable()).isTrue();
    assertThat(sets.takeDeletable()).containsExactly("acks/b");
  }

  @Test
  void aRecordReadAgainAfterARestartIsCountedOnce() {
    GroupAckSets sets = new GroupAckSets();
    GroupCodec.AckSet entries = set(new int[] {0, 1}, new long[] {5, 6});
    sets.add("acks/a", entries);
    sets.add("acks/a", entries); // gained partitions read the same namespace
    sets.covered(0, 6);
    assertThat(sets.takeDeletable()).isEmpty();
    sets.covered(1, 7);
    sets.add("acks/a", entries); // a partition gained after the record became deletable
    assertThat(sets.takeDeletable()).containsExactly("acks/a");
  }

  @Test
  void theValueReadsBackAndADamagedOneIsRefused() {
    byte[] head = GroupCodec.ackSetHead();
    byte[] one = GroupCodec.ackSetEntries(new int[] {15, 0}, new long[] {Long.MAX_VALUE, 0});
    byte[] two = GroupCodec.ackSetEntries(new int[] {4}, new long[] {99});
    byte[] value = concat(head, one, two);
    GroupCodec.AckSet read = GroupCodec.ackSet(value);
    assertThat(read.partitions()).containsExactly(15, 0, 4);
    assertThat(read.positions()).containsExactly(Long.MAX_VALUE, 0L, 99L);
    assertThat(read.contains(99)).isTrue();
    assertThat(read.contains(98)).isFalse();

    assertThatThrownBy(() -> GroupCodec.ackSet(Arrays.copyOf(value, value.length - 1)))
        .isInstanceOf(DataCorruptedException.class);
    byte[] badPartition = value.clone();
    badPartition[1] = 16;
    assertThatThrownBy(() -> GroupCodec.ackSet(badPartition))
        .isInstanceOf(DataCorruptedException.class);
    byte[] badVersion = value.clone();
    badVersion[0] = 2;
    assertThatThrownBy(() -> GroupCodec.ackSet(badVersion))
        .isInstanceOf(DataCorruptedException.class);
  }

  private static GroupCodec.AckSet set(int[] partitions, long[] positions) {
    return new GroupCodec.AckSet(partitions, positions);
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] out = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }
}
