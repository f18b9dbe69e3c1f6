package dev.factum.bench.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a Server-Sent Events body and reports, one by one, the {@code id:} of each event and the
 * {@code caught-up} marker, which is what the SSE workloads count. Everything else (data lines,
 * comments, {@code retry:}) is skipped without being decoded.
 *
 * <p>Design note: the reader scans raw bytes in its own 64 KiB buffer and parses the id's digits in
 * place, so the client's cost per event is a scan of its ~0.5 KB frame; a client that decoded every
 * frame to strings would measure itself rather than the server. A line may straddle two reads: the
 * unread tail is moved to the front of the buffer before the next read. An {@code event: error}
 * frame (the server ending the stream with a problem) fails the read with the problem's text.
 */
public final class SseReader implements AutoCloseable {
  /** What {@link #next} returns for the {@code caught-up} event. */
  public static final long CAUGHT_UP = -1;

  private static final byte[] ID = "id:".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EVENT = "event:".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);

  private final InputStream in;
  private final byte[] buffer = new byte[64 << 10];
  private int position;
  private int limit;
  private boolean error;

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
    while (true) {
      int end = lineEnd();
      int start = position;
      position = end + 1;
      int length = end - start;
      if (length > 0 && buffer[end - 1] == '\r') {
        length--;
      }
      if (startsWith(start, length, ID)) {
        return parseId(start + ID.length, start + length);
      }
      if (startsWith(start, length, EVENT)) {
        String name = text(start + EVENT.length, start + length);
        if (name.equals("caught-up")) {
          return CAUGHT_UP;
        }
        error = name.equals("error");
      } else if (error && startsWith(start, length, DATA)) {
        throw new IllegalStateException(
            "the server ended the event stream with an error: "
                + text(start + DATA.length, start + length));
      }
    }
  }

  /** The index of the next '\n' in the buffer, reading more as needed. */
  private int lineEnd() throws IOException {
    int scanned = position;
    while (true) {
      for (int i = scanned; i < limit; i++) {
        if (buffer[i] == '\n') {
          return i;
        }
      }
      if (position > 0) {
        System.arraycopy(buffer, position, buffer, 0, limit - position);
        limit -= position;
        position = 0;
      } else if (limit == buffer.length) {
        throw new IOException("an event-stream line longer than " + buffer.length + " bytes");
      }
      scanned = limit;
      int read = in.read(buffer, limit, buffer.length - limit);
      if (read < 0) {
        throw new EOFException("the event stream ended");
      }
      limit += read;
    }
  }

  private boolean startsWith(int start, int length, byte[] prefix) {
    if (length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (buffer[start + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private long parseId(int from, int to) throws IOException {
    if (from < to && buffer[from] == ' ') {
      from++;
    }
    if (from == to) {
      throw new IOException("an empty event id");
    }
    long id = 0;
    for (int i = from; i < to; i++) {
      int digit = buffer[i] - '0';
      if (digit < 0 || digit > 9 || i - from >= 18) {
        throw new IOException("an event id that is not a position: " + text(from, to));
      }
      id = id * 10 + digit;
    }
    return id;
  }

  private String text(int from, int to) {
    if (from < to && buffer[from] == ' ') {
      from++;
    }
    return new String(buffer, from, to - from, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
