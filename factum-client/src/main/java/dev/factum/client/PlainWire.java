package dev.factum.client;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * A plain (not TLS) connection's bytes: its channel stays in non-blocking mode for its whole life
 * and waits on a selector of its own.
 *
 * <p>Why: a timed read on a blocking channel's socket costs an {@code fcntl} pair per read (the JDK
 * switches the channel to non-blocking and back around the wait), and the idle-connection probe
 * cost another pair. Here a request is one {@code write}, then one {@code epoll_wait} for the
 * answer and one {@code read} per buffer of it; the probe before a reuse is one {@code read} that
 * finds nothing (docs/BENCHMARKS.md, "Where the time goes over HTTP").
 *
 * <p>What must stay true: the selector has only this channel, registered for what the connection
 * waits for next (reading, or writing while a large body does not fit the socket's buffer); a wait
 * never outlasts the exchange's deadline. {@link #close} closes the selector first, which wakes a
 * thread blocked in it (a client closed with exchanges under way).
 */
final class PlainWire implements Wire {
  private final SocketChannel channel;
  private final Selector selector;
  private final SelectionKey key;
  private final ByteBuffer probe = ByteBuffer.allocate(1);
  private ByteBuffer wrapped = ByteBuffer.allocate(0);
  private boolean answerDue;

  PlainWire(SocketChannel channel) throws IOException {
    this.channel = channel;
    this.selector = Selector.open();
    try {
      channel.configureBlocking(false);
      this.key = channel.register(selector, SelectionKey.OP_READ);
    } catch (IOException | RuntimeException e) {
      selector.close();
      throw e;
    }
  }

  @Override
  public void write(byte[] bytes, int offset, int length, long deadline) throws IOException {
    ByteBuffer out = ByteBuffer.wrap(bytes, offset, length);
    while (out.hasRemaining()) {
      if (channel.write(out) == 0) {
        await(SelectionKey.OP_WRITE, deadline);
      }
    }
    answerDue = true; // the answer takes the server a while: wait before the first read
  }

  @Override
  public int read(byte[] buffer, int offset, int length, long deadline) throws IOException {
    ByteBuffer in = wrap(buffer, offset, length);
    if (answerDue) {
      answerDue = false;
      await(SelectionKey.OP_READ, deadline);
    }
    while (true) {
      int n = channel.read(in);
      if (n != 0) {
        return n;
      }
      await(SelectionKey.OP_READ, deadline);
    }
  }

  private ByteBuffer wrap(byte[] buffer, int offset, int length) {
    if (!wrapped.hasArray() || wrapped.array() != buffer) {
      wrapped = ByteBuffer.wrap(buffer);
    }
    wrapped.limit(offset + length).position(offset);
    return wrapped;
  }

  private void await(int operation, long deadline) throws IOException {
    if (key.interestOps() != operation) {
      key.interestOps(operation);
    }
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new SocketTimeoutException("no answer within the request timeout");
    }
    selector.select(Math.max(1, (left + 999_999) / 1_000_000));
    selector.selectedKeys().clear();
  }

  @Override
  public boolean closedByPeer() {
    try {
      probe.clear();
      return channel.read(probe) != 0;
    } catch (IOException | RuntimeException e) {
      return true;
    }
  }

  @Override
  public void close() {
    try {
      selector.close();
    } catch (IOException ignored) {
      // the channel is closed below all the same
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing left to do with a socket that failed to close
    }
  }
}
