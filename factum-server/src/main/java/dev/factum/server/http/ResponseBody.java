package dev.factum.server.http;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A response's body on the wire, framed as {@code sendResponseHeaders} chose: a fixed length
 * (exactly that many bytes, more is refused and fewer on close leaves the connection unusable), a
 * chunked body (every {@link #flush} sends what was written as a chunk: SSE relies on it), or, for
 * an HTTP/1.0 client, bytes until the connection closes.
 *
 * <p>{@link #close} ends the response and sends it, once (a second close does nothing); {@link
 * #complete} then says whether the framing was honoured, so that the connection may carry another
 * response. Each framing says only how its bytes are written and how its body ends ({@link #end}).
 */
abstract sealed class ResponseBody extends OutputStream {
  final WireOutput out;
  private boolean closed;
  private boolean complete;

  ResponseBody(WireOutput out) {
    this.out = out;
  }

  static ResponseBody fixed(WireOutput out, long length) {
    return new Fixed(out, length);
  }

  static ResponseBody chunked(WireOutput out) {
    return new Chunked(out);
  }

  static ResponseBody untilClose(WireOutput out) {
    return new UntilClose(out);
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public final void flush() throws IOException {
    checkOpen();
    out.flush();
  }

  @Override
  public final void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    complete = end();
  }

  /**
   * Ends the body on the wire and sends what is buffered; whether the connection may carry another
   * response (false, or an exception, when the framing was not honoured).
   */
  abstract boolean end() throws IOException;

  final void checkOpen() throws IOException {
    if (closed) {
      throw new IOException("stream is closed");
    }
  }

  boolean complete() {
    return complete;
  }

  static final class Fixed extends ResponseBody {
    private long remaining;

    Fixed(WireOutput out, long length) {
      super(out);
      this.remaining = length;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      checkOpen();
      if (length > remaining) {
        throw new IOException("too many bytes to write to stream");
      }
      out.write(bytes, offset, length);
      remaining -= length;
    }

    @Override
    boolean end() throws IOException {
      out.flush();
      if (remaining > 0) {
        throw new IOException("insufficient bytes written to stream");
      }
      return true;
    }
  }

  static final class Chunked extends ResponseBody {
    private static final byte[] LAST = {'0', '\r', '\n', '\r', '\n'};

    Chunked(WireOutput out) {
      super(out);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      checkOpen();
      if (length == 0) {
        return; // an empty chunk would end the body
      }
      out.chunk(bytes, offset, length);
    }

    @Override
    boolean end() throws IOException {
      out.write(LAST);
      out.flush();
      return true;
    }
  }

  static final class UntilClose extends ResponseBody {
    UntilClose(WireOutput out) {
      super(out);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      checkOpen();
      out.write(bytes, offset, length);
    }

    @Override
    boolean end() throws IOException {
      out.flush();
      return false; // the end of this body is the end of the connection
    }
  }
}
