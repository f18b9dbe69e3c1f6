package dev.factum.wire;

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
 * retry:} frame). Lines are cut by {@link SseScanner}; a line longer than {@link #MAX_LINE_BYTES}
 * is refused, so a broken peer cannot make the client buffer without bound.
 *
 * <p>The one parser of the format: the client's subscriptions and the CLI's {@code tail} read event
 * streams through it, and the bench through its {@link SseScanner} alone (no decoding).
 */
public final class SseParser {
  /** An event larger than any the server can send (1 MiB of data, base64-encoded, plus fields). */
  public static final int MAX_LINE_BYTES = 32 << 20;

  /** One dispatched frame: {@code event} is null for plain (unnamed) events. */
  public record Frame(String id, String event, String data) {}

  private final SseScanner scanner = new SseScanner(MAX_LINE_BYTES);
  private final Collect collect = new Collect();

  /** Feeds a chunk; returns the frames it completed, in order. */
  public List<Frame> feed(byte[] chunk) {
    List<Frame> frames = new ArrayList<>();
    collect.frames = frames;
    try {
      scanner.feed(chunk, 0, chunk.length, collect);
    } finally {
      collect.frames = null;
    }
    return frames;
  }

  /** Builds frames from the scanner's fields; its state spans chunks. */
  private static final class Collect implements SseScanner.Sink {
    private List<Frame> frames;
    private String id;
    private String event;
    private StringBuilder data;

    @Override
    public void field(SseScanner.Field field, byte[] bytes, int from, int to) {
      switch (field) {
        case DATA -> {
          String value = new String(bytes, from, to - from, StandardCharsets.UTF_8);
          data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        }
        case ID -> {
          String value = new String(bytes, from, to - from, StandardCharsets.UTF_8);
          id = value.indexOf('\0') < 0 ? value : id;
        }
        case EVENT -> event = new String(bytes, from, to - from, StandardCharsets.UTF_8);
        case RETRY, OTHER -> {
          // the client keeps its own reconnection policy; unknown fields are ignored
        }
      }
    }

    @Override
    public void endOfFrame() {
      if (data != null) {
        frames.add(new Frame(id, event, data.toString()));
      }
      id = null;
      event = null;
      data = null;
    }
  }
}
