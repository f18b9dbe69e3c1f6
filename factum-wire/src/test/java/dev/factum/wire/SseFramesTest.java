package dev.factum.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the frame writer writes, the parser reads back: line breaks in data cannot end a frame. */
class SseFramesTest {
  @Test
  void framesReadBackAsWritten() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(SseFrames.RETRY);
    SseFrames.event(out, 7, "{\"a\":\n\"b\"}".getBytes(StandardCharsets.UTF_8));
    out.writeBytes(SseFrames.HEARTBEAT);
    SseFrames.event(out, 8, "{\"x\":\"\r\nid: 99\"}".getBytes(StandardCharsets.UTF_8));
    out.writeBytes(SseFrames.named(SseFrames.CAUGHT_UP, "{}".getBytes(StandardCharsets.UTF_8)));
    assertThat(out.toString(StandardCharsets.UTF_8))
        .startsWith("retry: 1000\n\nid: 7\ndata: {\"a\":\ndata: \"b\"}\n\n: heartbeat\n\n");
    assertThat(new SseParser().feed(out.toByteArray()))
        .isEqualTo(
            List.of(
                new SseParser.Frame("7", null, "{\"a\":\n\"b\"}"),
                new SseParser.Frame("8", null, "{\"x\":\"\n\nid: 99\"}"),
                new SseParser.Frame(null, "caught-up", "{}")));
  }
}
