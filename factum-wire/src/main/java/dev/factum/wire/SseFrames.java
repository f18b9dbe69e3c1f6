package dev.factum.wire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes {@code text/event-stream} frames as the server sends them; {@link SseParser} reads them.
 *
 * <p>What must stay true: a frame is {@code id:} and/or {@code event:}, then the data, then a blank
 * line; a line break inside the data (possible in data stored through the embedded API) starts a
 * new {@code data:} line, which a parser joins back with a newline, so no data can end a frame
 * early or forge a field.
 */
public final class SseFrames {
  /** The opening frame: the reconnection delay a browser's EventSource should use. */
  public static final byte[] RETRY = "retry: 1000\n\n".getBytes(StandardCharsets.US_ASCII);

  /** A comment frame that keeps an idle connection open and finds dead clients. */
  public static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.US_ASCII);

  /** The event sent once the backlog has been delivered. */
  public static final String CAUGHT_UP = "caught-up";

  /** The event that ends a feed with a problem document as its data. */
  public static final String ERROR = "error";

  private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

  private SseFrames() {}

  /** Appends an unnamed event with {@code id} (a position) to {@code out}. */
  public static void event(ByteArrayOutputStream out, long id, byte[] data) {
    out.writeBytes(("id: " + id).getBytes(StandardCharsets.US_ASCII));
    data(out, data);
  }

  /** A named event, e.g. {@link #CAUGHT_UP} or {@link #ERROR}. */
  public static byte[] named(String event, byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(32 + data.length);
    out.writeBytes(("event: " + event).getBytes(StandardCharsets.UTF_8));
    data(out, data);
    return out.toByteArray();
  }

  private static void data(ByteArrayOutputStream out, byte[] data) {
    out.writeBytes(DATA);
    int start = 0;
    for (int i = 0; i < data.length; i++) {
      if (data[i] == '\n' || data[i] == '\r') {
        out.write(data, start, i - start);
        out.writeBytes(DATA);
        start = i + 1;
      }
    }
    out.write(data, start, data.length - start);
    out.writeBytes(END);
  }
}
