package dev.factum.wire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An incremental parser of the {@code text/event-stream} format (the WHATWG Server-Sent Events
 * rules): bytes go in as they arrive, in chunks cut anywhere, and complete frames come out.
 *
 * <p>Lines end with LF, CR or CRLF (a CRLF split across chunks counts once); a line starting with
 * {@code :} is a comment (the server's heartbeat); {@code data} lines are joined with newlines; a
 * blank line dispatches the frame, and a frame without data is dropped (the server's opening {@code
 * retry:} frame). Lines are split on bytes before decoding, which is safe because CR and LF never
 * occur inside a UTF-8 sequence. A line longer than {@link #MAX_LINE_BYTES} is refused, so a broken
 * peer cannot make the client buffer without bound.
 *
 * <p>The one parser of the format: the client's subscriptions, the CLI's {@code tail} and the bench
 * all read event streams through it.
 */
public final class SseParser {
  /** An event larger than any the server can send (1 MiB of data, base64-encoded, plus fields). */
  public static final int MAX_LINE_BYTES = 32 << 20;

  /** One dispatched frame: {@code event} is null for plain (unnamed) events. */
  public record Frame(String id, String event, String data) {}

  private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
  private boolean afterCr;
  private String id;
  private String event;
  private StringBuilder data;

  /** Feeds a chunk; returns the frames it completed, in order. */
  public List<Frame> feed(byte[] chunk) {
    List<Frame> frames = new ArrayList<>();
    for (byte b : chunk) {
      if (b == '\n' && afterCr) {
        afterCr = false;
        continue;
      }
      afterCr = b == '\r';
      if (b == '\n' || b == '\r') {
        endLine(frames);
      } else {
        if (line.size() >= MAX_LINE_BYTES) {
          throw new IllegalStateException(
              "an event-stream line is over " + MAX_LINE_BYTES + " bytes");
        }
        line.write(b);
      }
    }
    return frames;
  }

  private void endLine(List<Frame> frames) {
    String text = line.toString(StandardCharsets.UTF_8);
    line.reset();
    if (text.isEmpty()) {
      if (data != null) {
        frames.add(new Frame(id, event, data.toString()));
      }
      id = null;
      event = null;
      data = null;
      return;
    }
    if (text.charAt(0) == ':') {
      return;
    }
    int colon = text.indexOf(':');
    String field = colon < 0 ? text : text.substring(0, colon);
    String value = colon < 0 ? "" : text.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    switch (field) {
      case "data" ->
          data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
      case "id" -> id = value.indexOf('\0') < 0 ? value : id;
      case "event" -> event = value;
      default -> {
        // retry and unknown fields: the client keeps its own reconnection policy
      }
    }
  }
}
