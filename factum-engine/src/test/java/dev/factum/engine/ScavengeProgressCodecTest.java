package dev.factum.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.DataCorruptedException;
import dev.factum.api.scavenge.ScavengeStatus;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ScavengeProgressCodecTest {
  @Test
  void everyFieldRoundTripsAndDamageIsRefused() {
    ScavengeStatus full =
        new ScavengeStatus(
            ScavengeStatus.State.FAILED,
            7,
            Instant.ofEpochMilli(1_000),
            Instant.ofEpochMilli(2_000),
            99,
            "order-ü",
            12,
            300,
            4_096,
            8_192,
            1_000,
            "boom");
    assertThat(ScavengeProgressCodec.decode(ScavengeProgressCodec.encode(full))).isEqualTo(full);
    assertThat(ScavengeProgressCodec.decode(ScavengeProgressCodec.encode(ScavengeStatus.NEVER)))
        .isEqualTo(ScavengeStatus.NEVER);

    byte[] encoded = ScavengeProgressCodec.encode(full);
    assertThatThrownBy(
            () -> ScavengeProgressCodec.decode(Arrays.copyOf(encoded, encoded.length - 1)))
        .isInstanceOf(DataCorruptedException.class);
    assertThatThrownBy(
            () -> ScavengeProgressCodec.decode(Arrays.copyOf(encoded, encoded.length + 1)))
        .isInstanceOf(DataCorruptedException.class);
    byte[] wrongVersion = encoded.clone();
    wrongVersion[0] = 9;
    assertThatThrownBy(() -> ScavengeProgressCodec.decode(wrongVersion))
        .isInstanceOf(DataCorruptedException.class);
    byte[] wrongState = encoded.clone();
    wrongState[1] = 9;
    assertThatThrownBy(() -> ScavengeProgressCodec.decode(wrongState))
        .isInstanceOf(DataCorruptedException.class);
  }
}
