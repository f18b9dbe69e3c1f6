package dev.factum.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The one-step key builders of the writer are the composed layouts the readers seek with. */
class KeysTest {
  private static final List<String> NAMES = List.of("o", "order-123", "é€-😀", "x".repeat(300));
  private static final long[] NUMBERS = {0, 1, 255, 256, Long.MAX_VALUE};

  @Test
  void aStreamKeyIsTheStreamPrefixWithTheRevision() {
    for (String name : NAMES) {
      for (long revision : NUMBERS) {
        assertThat(Keys.streamKey(name, revision))
            .isEqualTo(Keys.withLong(Keys.streamPrefix(name), revision));
      }
    }
  }

  @Test
  void aFilterKeyIsTheFilterPrefixWithThePosition() {
    for (byte kind : new byte[] {Keys.CATEGORY, Keys.TYPE, Keys.TAG}) {
      for (String name : NAMES) {
        for (long position : NUMBERS) {
          assertThat(Keys.filterKey(kind, name, position))
              .isEqualTo(Keys.withLong(Keys.filterPrefix(kind, name), position));
        }
      }
    }
  }
}
