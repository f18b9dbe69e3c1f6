package dev.factum.server.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request's body as its handler reads it: exactly {@code Content-Length} bytes, or the chunks of
 * a chunked body decoded (chunk extensions ignored, trailer fields read and dropped), and then the
 * end of the stream; never a byte of the next request.
 *
 * <p>{@link #close} drains what the handler left unread, up to a bound; {@link #complete} then says
 * whether the connection can carry another request (a body not read to its end cannot, and the
 * connection is closed instead). A client that sent {@code Expect: 100-continue} has been answered
 * {@code 100 Continue} before the handler ran (as the JDK server does).
 */
final class RequestBody extends InputStream {
  private static final int MAX_CHUNK_LINE = 1024;

  private final WireInput in;
  private final boolean chunked;
  private final long drainBytes;
  private final int maxTrailerBytes;
  private long remaining; // of the body, or of the current chunk
  private boolean eof;
  private boolean closed;
  private boolean failed;

  RequestBody(WireInput in, long length, long drainBytes, int maxTrailerBytes) {
    this.in = in;
    this.chunked = length < 0;
    this.remaining = chunked ? 0 : length;
    this.eof = length == 0;
    this.drainBytes = drainBytes;
    this.maxTrailerBytes = maxTrailerBytes;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] target, int offset, int length) throws IOException {
    if (closed) {
      throw new IOException("the request body is closed");
    }
    return readBody(target, offset, length);
  }

  private int readBody(byte[] target, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    if (eof) {
      return -1;
    }
    if (remaining == 0 && chunked && !nextChunk()) {
      return -1;
    }
    int n;
    try {
      n = in.read(target, offset, (int) Math.min(length, remaining));
    } catch (IOException e) {
      failed = true;
      throw e;
    }
    if (n < 0) {
      failed = true;
      throw new EOFException("the connection ended inside the request body");
    }
    remaining -= n;
    if (remaining == 0 && !chunked) {
      eof = true;
    } else if (remaining == 0) {
      expectCrlf();
    }
    return n;
  }

  /** Reads the next chunk's size line; false after the last chunk and its trailers. */
  private boolean nextChunk() throws IOException {
    try {
      String line = in.line(MAX_CHUNK_LINE, 400);
      if (line == null) {
        throw new EOFException("the connection ended inside a chunked body");
      }
      int end = line.indexOf(';');
      String size = (end < 0 ? line : line.substring(0, end)).trim();
      if (size.isEmpty() || size.length() > 15) {
        throw new IOException("bad chunk size: " + line);
      }
      long chunk;
      try {
        chunk = Long.parseLong(size, 16);
      } catch (NumberFormatException e) {
        throw new IOException("bad chunk size: " + line, e);
      }
      if (chunk < 0) {
        throw new IOException("bad chunk size: " + line);
      }
      if (chunk == 0) {
        int budget = maxTrailerBytes;
        String trailer = in.line(budget, 400);
        while (trailer == null || !trailer.isEmpty()) {
          if (trailer == null) {
            throw new EOFException("the connection ended inside the trailer fields");
          }
          budget -= trailer.length() + 2;
          if (budget < 0) {
            throw new IOException("the trailer fields are too large");
          }
          trailer = in.line(budget, 400);
        }
        eof = true;
        return false;
      }
      remaining = chunk;
      return true;
    } catch (IOException e) {
      failed = true;
      throw e;
    }
  }

  private void expectCrlf() throws IOException {
    int cr = in.read();
    int lf = cr == '\r' ? in.read() : cr;
    if (lf != '\n') {
      failed = true;
      throw new IOException("a chunk does not end with CRLF");
    }
  }

  /** Reads and discards the rest, up to the drain bound. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (eof || failed) {
      return;
    }
    byte[] skip = new byte[8192];
    long left = drainBytes;
    try {
      while (!eof && left > 0) {
        int n = readBody(skip, 0, (int) Math.min(skip.length, left));
        if (n < 0) {
          break;
        }
        left -= n;
      }
    } catch (IOException e) {
      failed = true;
    }
  }

  /** Whether the body was read (or drained) to its end, so the next request can follow. */
  boolean complete() {
    return eof && !failed;
  }
}
