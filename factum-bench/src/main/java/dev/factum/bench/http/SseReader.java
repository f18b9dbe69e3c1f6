package dev.factum.bench.http;

import dev.factum.wire.SseParser;
import dev.factum.wire.SseScanner;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads a Server-Sent Events body and reports, one by one, the {@code id:} of each event and the
 * {@code caught-up} marker, which is what the SSE workloads count. Everything else (data lines,
 * comments, {@code retry:}) is skipped without being decoded.
 *
 * <p>Design note: the lines are cut by factum-wire's {@link SseScanner} (the byte level of the one
 * SSE parser), which hands over each field in place; the id's digits are parsed from those bytes,
 * so the client's cost per event is a scan of its ~0.5 KB frame into this reader's 64 KiB buffer. A
 * client that decoded every frame to strings would measure itself rather than the server. The ids a
 * read completes wait in a small queue, in order. An {@code event: error} frame (the server ending
 * the stream with a problem) fails the read with the problem's text, after the ids before it.
 */
public final class SseReader implements AutoCloseable, SseScanner.Sink {
  /** What {@link #next} returns for the {@code caught-up} event. */
  public static final long CAUGHT_UP = -1;

  private final InputStream in;
  private final byte[] buffer = new byte[64 << 10];
  private final SseScanner scanner = new SseScanner(SseParser.MAX_LINE_BYTES);
  private long[] ready = new long[256];
  private int head;
  private int tail;
  private boolean error;
  private String failure;

  public SseReader(InputStream in) {
    this.in = in;
  }

  /**
   * Reads up to the next {@code id:} line (returning the id) or {@code caught-up} event (returning
   * {@link #CAUGHT_UP}).
   *
   * @throws EOFException if the stream ends first
   */
  public long next() throws IOException {
    while (head == tail) {
      if (failure != null) {
        throw new IllegalStateException(
            "the server ended the event stream with an error: " + failure);
      }
      head = 0;
      tail = 0;
      int read = in.read(buffer);
      if (read < 0) {
        throw new EOFException("the event stream ended");
      }
      try {
        scanner.feed(buffer, 0, read, this);
      } catch (UncheckedIOException e) {
        throw e.getCause();
      } catch (IllegalStateException oversized) {
        throw new IOException(oversized.getMessage(), oversized);
      }
    }
    return ready[head++];
  }

  @Override
  public void field(SseScanner.Field field, byte[] bytes, int from, int to) {
    if (failure != null) {
      return;
    }
    switch (field) {
      case ID -> add(parseId(bytes, from, to));
      case EVENT -> {
        if (SseScanner.equalsAscii(bytes, from, to, "caught-up")) {
          add(CAUGHT_UP);
        }
        error = SseScanner.equalsAscii(bytes, from, to, "error");
      }
      case DATA -> {
        if (error) {
          failure = new String(bytes, from, to - from, StandardCharsets.UTF_8);
        }
      }
      case RETRY, OTHER -> {
        // not counted
      }
    }
  }

  @Override
  public void endOfFrame() {
    error = false;
  }

  private void add(long value) {
    if (tail == ready.length) {
      long[] larger = new long[ready.length * 2];
      System.arraycopy(ready, 0, larger, 0, tail);
      ready = larger;
    }
    ready[tail++] = value;
  }

  private static long parseId(byte[] bytes, int from, int to) {
    if (from == to) {
      throw new UncheckedIOException(new IOException("an empty event id"));
    }
    long id = 0;
    for (int i = from; i < to; i++) {
      int digit = bytes[i] - '0';
      if (digit < 0 || digit > 9 || i - from >= 18) {
        throw new UncheckedIOException(
            new IOException(
                "an event id that is not a position: "
                    + new String(bytes, from, to - from, StandardCharsets.UTF_8)));
      }
      id = id * 10 + digit;
    }
    return id;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
