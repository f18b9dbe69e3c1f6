package dev.factum.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A TLS connection's bytes: a blocking {@link javax.net.ssl.SSLSocket} layered on the channel's
 * socket, each read bounded by {@code SO_TIMEOUT} set to what is left of the deadline.
 *
 * <p>What must stay true: the channel is in blocking mode except inside {@link #closedByPeer},
 * which reads the raw channel without waiting (a byte there on an idle connection means the
 * connection is unusable anyway, so the TLS stream it would break is never used again).
 */
final class SocketWire implements Wire {
  private final SocketChannel channel;
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final ByteBuffer probe = ByteBuffer.allocate(1);

  SocketWire(SocketChannel channel, Socket socket) throws IOException {
    this.channel = channel;
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  @Override
  public void write(byte[] bytes, int offset, int length, long deadline) throws IOException {
    out.write(bytes, offset, length);
    out.flush();
  }

  @Override
  public int read(byte[] buffer, int offset, int length, long deadline) throws IOException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new SocketTimeoutException("no answer within the request timeout");
    }
    socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
    return in.read(buffer, offset, length);
  }

  @Override
  public boolean closedByPeer() {
    try {
      channel.configureBlocking(false);
      try {
        probe.clear();
        return channel.read(probe) != 0;
      } finally {
        channel.configureBlocking(true);
      }
    } catch (IOException | RuntimeException e) {
      return true;
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing left to do with a socket that failed to close
    }
  }
}
