package dev.factum.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The client's keep-alive connections to its one server: a connection is taken for one exchange and
 * given back after it, and the most recently used idle one is taken first (so a quiet client keeps
 * few connections warm and the others age out).
 *
 * <p>What must stay true:
 *
 * <ul>
 *   <li>Every failure in {@link #acquire} happens before any byte of a request is written (a
 *       refused or timed-out connect, a failed TLS handshake): the caller may call the request "not
 *       sent".
 *   <li>A connection is handed out again only if the server has not closed it while it was idle
 *       ({@link Http1Connection#closedByPeer}, a read that does not wait, checked at every reuse)
 *       and it has been idle for at most {@link #MAX_IDLE} (the JDK server closes idle connections
 *       after 30 s). So the usual reasons for a kept connection to be dead (the server's idle
 *       timeout, a server restart) never make a request's outcome unknown: the request goes on a
 *       live or a new connection instead. Only a close that crosses the request on the wire is
 *       left, and that is an unknown outcome, which the {@link Retrier} retries only for idempotent
 *       calls.
 *   <li>{@link #close} gives exchanges under way a grace period, then closes their sockets, so it
 *       never hangs on a server that does not answer.
 * </ul>
 *
 * A connection is opened on the caller's thread: there is no selector thread (a plain connection
 * waits on a selector of its own, on the caller's thread), no worker thread and no cross-thread
 * hand-off per request; the cost of a request is that of its own system calls.
 */
final class ConnectionPool implements AutoCloseable {
  /** Idle connections older than this are closed rather than reused. */
  static final Duration MAX_IDLE = Duration.ofSeconds(20);

  /** More idle connections than this are closed when given back. */
  private static final int MAX_IDLE_CONNECTIONS = 256;

  private final String host;
  private final int port;
  private final SSLSocketFactory tls;
  private final int connectTimeoutMillis;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition drained = lock.newCondition();
  private final ArrayDeque<Http1Connection> idle = new ArrayDeque<>();
  private final Set<Http1Connection> busy = new HashSet<>();
  private final Set<Http1Connection> streams = new HashSet<>();
  private boolean closed;

  /**
   * @param tls the socket factory of an {@code https} server, or null for plain HTTP
   */
  ConnectionPool(URI base, SSLSocketFactory tls, Duration connectTimeout) {
    String name = base.getHost();
    this.host = name.startsWith("[") ? name.substring(1, name.length() - 1) : name;
    this.port = base.getPort() >= 0 ? base.getPort() : tls == null ? 80 : 443;
    this.tls = tls;
    this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
  }

  /**
   * A connection for one exchange: the newest live idle one, or a new one.
   *
   * @throws IOException the connection could not be opened (nothing was sent)
   */
  Http1Connection acquire() throws IOException {
    List<Http1Connection> expired = new ArrayList<>(0);
    Http1Connection reused = null;
    lock.lock();
    try {
      if (closed) {
        throw new IOException("the client is closed");
      }
      long now = System.nanoTime();
      while (reused == null && !idle.isEmpty()) {
        Http1Connection candidate = idle.pollFirst();
        if (now - candidate.idleSince() > MAX_IDLE.toNanos()) {
          expired.add(candidate);
        } else {
          reused = candidate;
          busy.add(candidate);
        }
      }
    } finally {
      lock.unlock();
    }
    expired.forEach(Http1Connection::close);
    if (reused != null) {
      if (!reused.closedByPeer()) {
        return reused;
      }
      release(reused); // closed, not kept
      return acquire();
    }
    Http1Connection opened = open();
    lock.lock();
    try {
      if (closed) {
        opened.close();
        throw new IOException("the client is closed");
      }
      busy.add(opened);
    } finally {
      lock.unlock();
    }
    return opened;
  }

  /**
   * A new connection for one event stream: never pooled, closed by its reader when the stream ends,
   * and by {@link #close} at once (a stream has no end to wait for).
   *
   * @throws IOException the connection could not be opened (nothing was sent)
   */
  Http1Connection openForStream() throws IOException {
    checkOpen();
    Http1Connection opened = open();
    lock.lock();
    try {
      if (!closed) {
        streams.add(opened);
        opened.onClose(() -> forget(opened));
        return opened;
      }
    } finally {
      lock.unlock();
    }
    opened.close();
    throw new IOException("the client is closed");
  }

  private void checkOpen() throws IOException {
    lock.lock();
    try {
      if (closed) {
        throw new IOException("the client is closed");
      }
    } finally {
      lock.unlock();
    }
  }

  private void forget(Http1Connection stream) {
    lock.lock();
    try {
      streams.remove(stream);
    } finally {
      lock.unlock();
    }
  }

  /** Gives a connection back after its exchange: kept if it can carry another, else closed. */
  void release(Http1Connection connection) {
    boolean keep;
    lock.lock();
    try {
      busy.remove(connection);
      keep = !closed && connection.reusable() && idle.size() < MAX_IDLE_CONNECTIONS;
      if (keep) {
        idle.addFirst(connection);
      }
      if (busy.isEmpty()) {
        drained.signalAll();
      }
    } finally {
      lock.unlock();
    }
    if (!keep) {
      connection.close();
    }
  }

  private Http1Connection open() throws IOException {
    SocketChannel channel = SocketChannel.open();
    Socket socket = channel.socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
      if (tls == null) {
        return new Http1Connection(new PlainWire(channel));
      }
      SSLSocket secure = (SSLSocket) tls.createSocket(socket, host, port, true);
      SSLParameters parameters = secure.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the host name is checked
      secure.setSSLParameters(parameters);
      secure.setSoTimeout(connectTimeoutMillis);
      secure.startHandshake();
      return new Http1Connection(new SocketWire(channel, secure));
    } catch (IOException | RuntimeException e) {
      try {
        socket.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * Closes the idle connections and the event streams' at once and, after at most {@code grace},
   * the busy ones (their exchanges then fail). Idempotent.
   */
  @Override
  public void close() {
    close(FactumClient.CLOSE_GRACE);
  }

  void close(Duration grace) {
    List<Http1Connection> toClose = new ArrayList<>();
    lock.lock();
    try {
      closed = true;
      toClose.addAll(idle);
      idle.clear();
      toClose.addAll(streams);
    } finally {
      lock.unlock();
    }
    toClose.forEach(Http1Connection::close);
    toClose.clear();
    lock.lock();
    try {
      long left = grace.toNanos();
      while (!busy.isEmpty() && left > 0) {
        left = drained.awaitNanos(left);
      }
      toClose.addAll(busy);
    } catch (InterruptedException e) {
      toClose.addAll(busy);
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
    toClose.forEach(Http1Connection::close);
  }

  /** Connections open now, idle and busy (for tests). */
  int openConnections() {
    lock.lock();
    try {
      return idle.size() + busy.size();
    } finally {
      lock.unlock();
    }
  }
}
