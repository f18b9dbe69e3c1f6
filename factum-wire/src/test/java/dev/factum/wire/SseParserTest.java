package dev.factum.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The event-stream parser gives the same frames however the bytes are cut into chunks. */
class SseParserTest {
  private static final String STREAM =
      "retry: 1000\n\n"
          + ": heartbeat\n\n"
          + "id: 7\ndata: {\"a\":\"é😀\"}\n\n"
          + "event: caught-up\r\ndata: {}\r\n\r\n"
          + "data:first\rdata: second\r\r"
          + "id: 9\nevent: error\ndata: {\"code\":\"stream-deleted\"}\n\n"
          + "data: unterminated";

  private static final List<SseParser.Frame> EXPECTED =
      List.of(
          new SseParser.Frame("7", null, "{\"a\":\"é😀\"}"),
          new SseParser.Frame(null, "caught-up", "{}"),
          new SseParser.Frame(null, null, "first\nsecond"),
          new SseParser.Frame("9", "error", "{\"code\":\"stream-deleted\"}"));

  @Test
  void framesDoNotDependOnWhereChunksAreCut() {
    byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
    for (int chunk = 1; chunk <= bytes.length; chunk++) {
      SseParser parser = new SseParser();
      List<SseParser.Frame> frames = new ArrayList<>();
      for (int at = 0; at < bytes.length; at += chunk) {
        byte[] part = new byte[Math.min(chunk, bytes.length - at)];
        System.arraycopy(bytes, at, part, 0, part.length);
        frames.addAll(parser.feed(part));
      }
      assertThat(frames).as("chunks of %d bytes", chunk).isEqualTo(EXPECTED);
    }
  }
}
