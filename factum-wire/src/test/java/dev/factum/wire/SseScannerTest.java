package dev.factum.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The byte level: fields in place, one line per CRLF however it is cut, and the line limit. */
class SseScannerTest {
  private static final class Recorder implements SseScanner.Sink {
    final List<String> seen = new ArrayList<>();

    @Override
    public void field(SseScanner.Field field, byte[] bytes, int from, int to) {
      seen.add(field + "=" + new String(bytes, from, to - from, StandardCharsets.UTF_8));
    }

    @Override
    public void endOfFrame() {
      seen.add("|");
    }
  }

  @Test
  void fieldsAreTheSameWhereverTheChunksAreCut() {
    byte[] bytes =
        "id: 12\r\nevent:caught-up\r\n: beat\r\n\r\ndata\rretry: 5\nx-y: z\n\ndata: a: b\r\n"
            .getBytes(StandardCharsets.UTF_8);
    List<String> expected =
        List.of("ID=12", "EVENT=caught-up", "|", "DATA=", "RETRY=5", "OTHER=z", "|", "DATA=a: b");
    for (int chunk = 1; chunk <= bytes.length; chunk++) {
      SseScanner scanner = new SseScanner(64);
      Recorder recorder = new Recorder();
      for (int at = 0; at < bytes.length; at += chunk) {
        scanner.feed(bytes, at, Math.min(chunk, bytes.length - at), recorder);
      }
      assertThat(recorder.seen).as("chunks of %d bytes", chunk).isEqualTo(expected);
    }
  }

  @Test
  void aLineOverTheLimitIsRefusedInOneChunkOrCarriedOver() {
    byte[] line = ("data: " + "x".repeat(20) + "\n").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> new SseScanner(16).feed(line, 0, line.length, new Recorder()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("over 16 bytes");
    SseScanner carried = new SseScanner(16);
    carried.feed(line, 0, 10, new Recorder());
    assertThatThrownBy(() -> carried.feed(line, 10, line.length - 10, new Recorder()))
        .isInstanceOf(IllegalStateException.class);
    SseScanner exact = new SseScanner(line.length - 1);
    Recorder recorder = new Recorder();
    exact.feed(line, 0, line.length, recorder);
    assertThat(recorder.seen).containsExactly("DATA=" + "x".repeat(20));
  }
}
