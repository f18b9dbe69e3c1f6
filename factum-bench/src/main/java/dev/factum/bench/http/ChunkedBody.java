package dev.factum.bench.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The payload of an HTTP/1.1 body sent with {@code Transfer-Encoding: chunked}: reads the chunk
 * framing ({@code <hex size>[;ext]CRLF <data> CRLF}, ending with a zero-size chunk and an empty
 * trailer) and returns only the data. Closing it closes the underlying stream only when it owns the
 * connection (an event stream), not when the connection goes on to the next request.
 */
final class ChunkedBody extends InputStream {
  private final InputStream in;
  private final boolean closesUnderlying;
  private final byte[] one = new byte[1];
  private long left; // data bytes left in the current chunk
  private boolean ended;

  ChunkedBody(InputStream in, boolean closesUnderlying) {
    this.in = in;
    this.closesUnderlying = closesUnderlying;
  }

  @Override
  public int read() throws IOException {
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] into, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    if (left == 0 && !nextChunk()) {
      return -1;
    }
    int read = in.read(into, offset, (int) Math.min(length, left));
    if (read < 0) {
      throw new EOFException("the connection closed inside a chunk");
    }
    left -= read;
    if (left == 0) {
      expectCrlf();
    }
    return read;
  }

  /** Reads the next chunk's size line; false at the last (empty) chunk. */
  private boolean nextChunk() throws IOException {
    if (ended) {
      return false;
    }
    long size = 0;
    int digits = 0;
    int b;
    while ((b = in.read()) != '\r' && b != ';') {
      if (b < 0) {
        throw new EOFException("the connection closed before the next chunk");
      }
      int digit = Character.digit(b, 16);
      if (digit < 0 || ++digits > 15) {
        throw new IOException("a malformed chunk size (byte " + b + ")");
      }
      size = size * 16 + digit;
    }
    if (b == ';') {
      while ((b = in.read()) != '\r') {
        if (b < 0) {
          throw new EOFException("the connection closed in a chunk extension");
        }
      }
    }
    if (in.read() != '\n') {
      throw new IOException("a chunk size line without CRLF");
    }
    if (size == 0) {
      // the trailer: header lines (none expected) up to an empty line
      expectCrlf();
      ended = true;
      return false;
    }
    left = size;
    return true;
  }

  private void expectCrlf() throws IOException {
    if (in.read() != '\r' || in.read() != '\n') {
      throw new IOException("a chunk not followed by CRLF");
    }
  }

  @Override
  public void close() throws IOException {
    if (closesUnderlying) {
      in.close();
    } else {
      while (read(new byte[4096], 0, 4096) >= 0) {
        // drain to the end of the body so the connection can carry the next response
      }
    }
  }
}
