package dev.factum.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The group's record keys are a stored format: built without {@code String.format}, they must stay
 * exactly what it made (19 digits for a position, 2 for a partition, zero-padded) and read back.
 */
class GroupCodecKeysTest {
  @Test
  void positionAndPartitionKeysAreTheZeroPaddedDecimalTheyAlwaysWere() {
    for (long position : List.of(0L, 7L, 10L, 123_456_789L, 999_999_999_999L, Long.MAX_VALUE)) {
      String key = GroupCodec.positionKey(GroupCodec.DONE, position);
      assertThat(key).isEqualTo(GroupCodec.DONE + String.format("%019d", position));
      assertThat(GroupCodec.positionOf(GroupCodec.DONE, key)).isEqualTo(position);
    }
    for (int partition = 0; partition < GroupCodec.PARTITIONS; partition++) {
      String key = GroupCodec.partitionKey(GroupCodec.PARTITION_CHECKPOINT, partition);
      assertThat(key).isEqualTo(GroupCodec.PARTITION_CHECKPOINT + String.format("%02d", partition));
      assertThat(GroupCodec.partitionOfKey(GroupCodec.PARTITION_CHECKPOINT, key))
          .isEqualTo(partition);
    }
  }
}
