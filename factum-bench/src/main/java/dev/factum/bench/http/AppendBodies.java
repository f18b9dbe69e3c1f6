package dev.factum.bench.http;

import dev.factum.bench.load.Payloads;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Request bodies of {@code POST /streams/{stream}} for the HTTP append workload: {@code
 * {"expectedRevision":"any","events":[{"type":"OrderPlaced","data":<body>},…]}}, where each body is
 * one of the {@link Payloads} pool's 200-byte JSON objects, embedded as JSON (the server stores it
 * compacted, which leaves these already-compact bodies at exactly 200 bytes).
 */
final class AppendBodies {
  private static final byte[] HEAD =
      "{\"expectedRevision\":\"any\",\"events\":[".getBytes(StandardCharsets.UTF_8);
  private static final byte[] EVENT_HEAD =
      "{\"type\":\"OrderPlaced\",\"data\":".getBytes(StandardCharsets.UTF_8);
  private static final byte[] TAIL = "]}".getBytes(StandardCharsets.UTF_8);

  private AppendBodies() {}

  static byte[] body(Payloads payloads, int events) {
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(HEAD.length + events * (EVENT_HEAD.length + Payloads.SIZE + 2));
    out.writeBytes(HEAD);
    for (int i = 0; i < events; i++) {
      if (i > 0) {
        out.write(',');
      }
      out.writeBytes(EVENT_HEAD);
      out.writeBytes(payloads.next());
      out.write('}');
    }
    out.writeBytes(TAIL);
    return out.toByteArray();
  }
}
