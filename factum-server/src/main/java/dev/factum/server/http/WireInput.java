package dev.factum.server.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * The bytes in from one connection, through one buffer shared by every request on it: the head
 * parser and the body streams read from here, so bytes of a pipelined next request that arrive with
 * the current one stay buffered for it and are never lost or read twice.
 *
 * <p>Timeouts: each blocking read waits at most {@link #readTimeoutMillis}, and, while a request
 * head is read, no later than the head's deadline (set by {@link #deadline}), so a client that
 * trickles a head byte by byte cannot hold the connection past it. A timeout is a {@link
 * SocketTimeoutException}, after which the connection is closed.
 */
final class WireInput {
  private final InputStream in;
  private final Socket socket;
  private final byte[] buffer;
  private int position;
  private int limit;
  private int readTimeoutMillis;
  private long deadlineNanos; // 0: none

  WireInput(Socket socket, InputStream in, int size) {
    this.socket = socket;
    this.in = in;
    this.buffer = new byte[size];
  }

  /** Each later blocking read waits at most {@code millis} (0: forever). */
  void readTimeout(int millis) {
    readTimeoutMillis = millis;
  }

  /** Until {@link #clearDeadline}, no read waits past {@code millis} from now. */
  void deadline(long millis) {
    deadlineNanos = System.nanoTime() + millis * 1_000_000L;
  }

  void clearDeadline() {
    deadlineNanos = 0;
  }

  /** Bytes already buffered (a pipelined request's, for example). */
  int buffered() {
    return limit - position;
  }

  /** Fills the buffer if it is empty; false at the end of the stream. */
  boolean fill() throws IOException {
    if (position < limit) {
      return true;
    }
    int timeout = readTimeoutMillis;
    if (deadlineNanos != 0) {
      long left = (deadlineNanos - System.nanoTime()) / 1_000_000L;
      if (left <= 0) {
        throw new SocketTimeoutException("the request head took too long");
      }
      timeout =
          timeout == 0 ? (int) Math.min(left, Integer.MAX_VALUE) : (int) Math.min(left, timeout);
    }
    socket.setSoTimeout(timeout); // a field of the socket, not a system call
    int n = in.read(buffer, 0, buffer.length);
    if (n <= 0) {
      return false;
    }
    position = 0;
    limit = n;
    return true;
  }

  int read() throws IOException {
    if (!fill()) {
      return -1;
    }
    return buffer[position++] & 0xff;
  }

  int read(byte[] target, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    if (position == limit && length >= buffer.length) {
      // a large read with nothing buffered: straight into the caller's array
      socket.setSoTimeout(readTimeoutMillis);
      return in.read(target, offset, length);
    }
    if (!fill()) {
      return -1;
    }
    int n = Math.min(length, limit - position);
    System.arraycopy(buffer, position, target, offset, n);
    position += n;
    return n;
  }

  /**
   * One line, without its CR LF (a bare LF ends it too), as ISO-8859-1; null at a clean end of the
   * stream before the line's first byte.
   *
   * @param max the most bytes the line may have; beyond it, {@link HttpFailure} with {@code status}
   */
  String line(int max, int status) throws IOException {
    StringBuilder spill = null;
    int length = 0;
    while (true) {
      if (!fill()) {
        if (length == 0) {
          return null;
        }
        throw new EOFException("the connection ended inside a line");
      }
      int start = position;
      int end = start;
      while (end < limit && buffer[end] != '\n') {
        end++;
      }
      length += end - start;
      if (length > max + 1) {
        throw new HttpFailure(status, "a line of the request is longer than " + max + " bytes");
      }
      if (end < limit) {
        position = end + 1;
        int stop = end > start && buffer[end - 1] == '\r' ? end - 1 : end;
        if (spill == null) {
          return new String(buffer, start, stop - start, StandardCharsets.ISO_8859_1);
        }
        spill.append(new String(buffer, start, end - start, StandardCharsets.ISO_8859_1));
        int last = spill.length() - 1;
        if (last >= 0 && spill.charAt(last) == '\r') {
          spill.setLength(last);
        }
        return spill.toString();
      }
      if (spill == null) {
        spill = new StringBuilder(Math.max(64, length * 2));
      }
      spill.append(new String(buffer, start, end - start, StandardCharsets.ISO_8859_1));
      position = limit;
    }
  }
}
