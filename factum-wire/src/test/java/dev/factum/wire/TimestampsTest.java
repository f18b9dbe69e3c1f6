package dev.factum.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fast timestamp reader gives exactly what {@link Instant#parse} gives, and refuses alike. */
class TimestampsTest {
  @Test
  void readsWhatTheServerWritesAsInstantParseDoes() {
    SplittableRandom random = new SplittableRandom(18);
    for (int i = 0; i < 20_000; i++) {
      Instant instant =
          Instant.ofEpochSecond(
              random.nextLong(-62_135_596_800L, 253_402_300_799L),
              switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000L;
                case 2 -> random.nextInt(1_000_000) * 1_000L;
                default -> random.nextInt(1_000_000_000);
              });
      String text = instant.toString();
      assertThat(Timestamps.parse(text)).as(text).isEqualTo(Instant.parse(text));
      byte[] quoted = ("\"" + text + "\"").getBytes(StandardCharsets.US_ASCII);
      assertThat(Timestamps.plain(quoted, 1, quoted.length - 1))
          .as(text)
          .isEqualTo(Instant.parse(text));
    }
  }

  @Test
  void leavesEverythingElseToInstantParse() {
    List<String> texts =
        List.of(
            "2026-12-01T20:21:47.1Z",
            "2026-12-01T23:59:60Z",
            "+12026-12-01T20:21:47Z",
            "2026-12-01T20:21:47+01:00",
            "2024-02-29T00:00:00.000000001Z",
            "2026-12-01T20:21:47.Z",
            "2026-02-30T00:00:00Z",
            "2026-12-01T24:00:00Z",
            "2026-12-01T20:61:00Z",
            "2026-12-01 20:21:47Z",
            "2026-12-01T20:21:47.1234567890Z",
            "2026-1a-01T20:21:47Z",
            "");
    int refused = 0;
    for (String text : texts) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      Instant plain = Timestamps.plain(bytes, 0, bytes.length);
      Instant expected;
      try {
        expected = Instant.parse(text);
      } catch (DateTimeParseException e) {
        refused++;
        assertThat(plain).as(text).isNull();
        assertThatThrownBy(() -> Timestamps.parse(text))
            .as(text)
            .isInstanceOf(DateTimeParseException.class);
        continue;
      }
      assertThat(Timestamps.parse(text)).as(text).isEqualTo(expected);
      if (plain != null) {
        assertThat(plain).as(text).isEqualTo(expected);
      }
    }
    assertThat(refused).as("some of these are refused").isGreaterThan(3);
  }
}
