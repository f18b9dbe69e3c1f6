package dev.factum.client;

import java.io.IOException;

/**
 * The bytes between one {@link Http1Connection} and its server: what the connection's framing code
 * reads and writes, without knowing whether the socket is plain or TLS.
 *
 * <p>What must stay true: {@link #read} returns at least one byte or -1 at the end of the stream,
 * and throws {@link java.net.SocketTimeoutException} once {@code deadline} ({@link
 * System#nanoTime}) has passed with nothing to read; {@link #closedByPeer} never waits.
 */
interface Wire {
  /** Writes all of {@code bytes[offset, offset + length)}. */
  void write(byte[] bytes, int offset, int length, long deadline) throws IOException;

  /** Reads what the server has sent, at least one byte, into {@code buffer[offset, ...)}. */
  int read(byte[] buffer, int offset, int length, long deadline) throws IOException;

  /** Whether the server closed the idle connection or sent something unasked; does not wait. */
  boolean closedByPeer();

  /** Closes the socket; idempotent, never throws, wakes a reader blocked in another thread. */
  void close();
}
