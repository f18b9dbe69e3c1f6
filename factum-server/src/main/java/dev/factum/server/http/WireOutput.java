package dev.factum.server.http;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The bytes out to one connection, through one buffer: a response's head and a body that fits are
 * sent in one write. Not thread-safe: one exchange writes at a time (an SSE session serializes its
 * own writers).
 */
final class WireOutput {
  private final OutputStream out;
  private final byte[] buffer;
  private int count;

  WireOutput(OutputStream out, int size) {
    this.out = out;
    this.buffer = new byte[size];
  }

  void write(int b) throws IOException {
    if (count == buffer.length) {
      drain();
    }
    buffer[count++] = (byte) b;
  }

  void write(byte[] bytes, int offset, int length) throws IOException {
    if (length > buffer.length - count) {
      drain();
      if (length >= buffer.length) {
        out.write(bytes, offset, length);
        return;
      }
    }
    System.arraycopy(bytes, offset, buffer, count, length);
    count += length;
  }

  void write(byte[] bytes) throws IOException {
    write(bytes, 0, bytes.length);
  }

  /**
   * One chunk of a chunked body: its size line, the bytes and the CRLF after them, sent in one
   * write with whatever is buffered when they do not fit (an SSE batch of 64 KiB would otherwise be
   * three writes, and with TCP_NODELAY three segments: the size line, the data, the CRLF).
   */
  void chunk(byte[] bytes, int offset, int length) throws IOException {
    String size = Integer.toHexString(length);
    int framed = size.length() + 2 + length + 2;
    if (framed <= buffer.length - count) {
      ascii(size);
      crlf();
      write(bytes, offset, length);
      crlf();
      return;
    }
    byte[] all = new byte[count + framed];
    System.arraycopy(buffer, 0, all, 0, count);
    int at = count;
    for (int i = 0; i < size.length(); i++) {
      all[at++] = (byte) size.charAt(i);
    }
    all[at++] = '\r';
    all[at++] = '\n';
    System.arraycopy(bytes, offset, all, at, length);
    at += length;
    all[at++] = '\r';
    all[at] = '\n';
    count = 0;
    out.write(all);
  }

  /** {@code text}'s characters as single bytes (a head is ISO-8859-1). */
  void ascii(String text) throws IOException {
    int length = text.length();
    if (length > buffer.length - count) {
      drain();
      if (length > buffer.length) {
        for (int i = 0; i < length; i++) {
          write(text.charAt(i));
        }
        return;
      }
    }
    for (int i = 0; i < length; i++) {
      buffer[count++] = (byte) text.charAt(i);
    }
  }

  void crlf() throws IOException {
    write('\r');
    write('\n');
  }

  /** Sends what is buffered. */
  void flush() throws IOException {
    drain();
    out.flush();
  }

  private void drain() throws IOException {
    if (count > 0) {
      out.write(buffer, 0, count);
      count = 0;
    }
  }
}
