package dev.factum.server.http;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.Closeable;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * An HTTP/1.1 server of Factum's own behind the {@code com.sun.net.httpserver} API, so that every
 * handler written for the JDK server runs on it unchanged: a blocking socket per connection, each
 * connection served from accept to close by one thread ({@link Connection}), the handler called on
 * that thread.
 *
 * <p>Design note: why not the JDK server. Its per-exchange machinery was most of the server's CPU
 * per request in the profiles (docs/BENCHMARKS.md, "Where the time goes over HTTP"): a selector
 * thread that reads the request head, hands the exchange to the executor's thread and takes the
 * connection back when the response ends (cancel, re-register and wake-up of the selector, {@code
 * fcntl} pairs to switch blocking modes), its event queue, and a {@code Date} formatted per
 * response. With virtual threads none of that is needed: a thread blocked on a socket read costs a
 * few hundred bytes, and the JDK parks it on its own poller without changing the socket's mode per
 * read. The price is one (virtual) thread per open connection, idle ones included.
 *
 * <p>What must stay true: the server binds at {@link #create} (a taken port is found before a store
 * is opened); {@link #stop} closes the listener at once, refuses new exchanges, waits up to its
 * delay for the exchanges under way, then closes every connection (which ends blocked reads and
 * writes: SSE sessions, idle keep-alives); each connection keeps the invariants of {@link
 * Connection}. The {@link #setExecutor executor}, if set, runs the connections (so handlers run on
 * its threads, as with the JDK server); it should make a virtual thread per task. Without one each
 * connection gets a new virtual thread.
 *
 * <p>With an {@link HttpsConfigurator} each accepted socket is wrapped in server-mode TLS from the
 * configurator's {@link SSLContext}, with the parameters its {@code configure} sets, and handshaken
 * on the connection's thread within the read timeout. Without one it serves plain HTTP.
 */
public final class FactumHttpServer extends HttpsServer {
  private final Limits limits;
  private final CopyOnWriteArrayList<Context> contexts = new CopyOnWriteArrayList<>();
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private final AtomicInteger open = new AtomicInteger();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition idle = lock.newCondition();
  private int exchanges; // guarded by lock
  private ServerSocket listener;
  private volatile HttpsConfigurator configurator;
  private volatile Executor executor;
  private volatile boolean stopping;
  private Thread acceptor;

  private FactumHttpServer(Limits limits) {
    this.limits = limits;
  }

  /** A server bound to {@code address} (null: bind later) with {@code limits}. */
  public static FactumHttpServer create(InetSocketAddress address, int backlog, Limits limits)
      throws IOException {
    FactumHttpServer server = new FactumHttpServer(limits);
    if (address != null) {
      server.bind(address, backlog);
    }
    return server;
  }

  @Override
  public void bind(InetSocketAddress address, int backlog) throws IOException {
    if (listener != null) {
      throw new BindException("the server is already bound");
    }
    ServerSocket socket = new ServerSocket();
    try {
      socket.setReuseAddress(true);
      socket.bind(address, backlog);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
    listener = socket;
  }

  @Override
  public synchronized void start() {
    if (listener == null || acceptor != null || stopping) {
      throw new IllegalStateException("the server is not bound, already started or stopped");
    }
    acceptor =
        Thread.ofPlatform()
            .daemon()
            .name("factum-http-accept-" + listener.getLocalPort())
            .start(this::accept);
  }

  private void accept() {
    while (!stopping) {
      Socket socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        if (stopping || listener.isClosed()) {
          return;
        }
        continue; // e.g. too many open files for a moment: the next accept may succeed
      }
      int max = limits.maxConnections();
      if (max > 0 && open.get() >= max) {
        closeQuietly(socket);
        continue;
      }
      Connection connection = new Connection(this, socket, limits);
      open.incrementAndGet();
      connections.add(connection);
      try {
        Executor runner = executor;
        if (runner == null) {
          Thread.ofVirtual().name("factum-http").start(connection);
        } else {
          runner.execute(connection);
        }
      } catch (RejectedExecutionException e) {
        closed(connection);
        closeQuietly(socket);
      }
    }
  }

  /** The TLS socket over {@code socket}, configured; null for plain HTTP. */
  SSLSocket secure(Socket socket) throws IOException {
    HttpsConfigurator tls = configurator;
    if (tls == null) {
      return null;
    }
    SSLContext context = tls.getSSLContext();
    SSLSocket secured =
        (SSLSocket) context.getSocketFactory().createSocket(socket, null, true); // server mode
    InetSocketAddress client = (InetSocketAddress) socket.getRemoteSocketAddress();
    tls.configure(new Parameters(tls, client, secured));
    return secured;
  }

  void closed(Connection connection) {
    if (connections.remove(connection)) {
      open.decrementAndGet();
    }
  }

  boolean stopping() {
    return stopping;
  }

  void exchangeStarted() {
    lock.lock();
    try {
      exchanges++;
    } finally {
      lock.unlock();
    }
  }

  void exchangeEnded() {
    lock.lock();
    try {
      if (--exchanges == 0) {
        idle.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** The context whose path is the longest prefix of {@code path} (the JDK server's rule). */
  Context findContext(String path) {
    if (path == null) {
      return null;
    }
    Context best = null;
    for (Context context : contexts) {
      if (path.startsWith(context.getPath())
          && (best == null || context.getPath().length() > best.getPath().length())) {
        best = context;
      }
    }
    return best;
  }

  /**
   * Closes the listener, lets the exchanges under way finish for up to {@code delay} seconds, then
   * closes every connection.
   */
  @Override
  public void stop(int delay) {
    if (delay < 0) {
      throw new IllegalArgumentException("negative delay");
    }
    stopping = true;
    if (listener != null) {
      closeQuietly(listener);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(delay);
    lock.lock();
    try {
      long left;
      while (exchanges > 0 && (left = deadline - System.nanoTime()) > 0) {
        idle.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
    for (Connection connection : connections) {
      connection.abort();
    }
    Thread accepting;
    synchronized (this) {
      accepting = acceptor;
    }
    if (accepting != null) {
      try {
        accepting.join(TimeUnit.SECONDS.toMillis(1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Open connections (for metrics and tests). */
  public int openConnections() {
    return open.get();
  }

  @Override
  public void setExecutor(Executor newExecutor) {
    executor = newExecutor;
  }

  @Override
  public Executor getExecutor() {
    return executor;
  }

  @Override
  public HttpContext createContext(String path, HttpHandler handler) {
    Context context = context(path, handler);
    return context;
  }

  @Override
  public HttpContext createContext(String path) {
    return context(path, null);
  }

  private Context context(String path, HttpHandler handler) {
    if (path == null || !path.startsWith("/")) {
      throw new IllegalArgumentException("a context path must start with /");
    }
    Context context = new Context(path, handler, this);
    for (Context existing : contexts) {
      if (existing.getPath().equals(path)) {
        throw new IllegalArgumentException("a context for " + path + " exists");
      }
    }
    contexts.add(context);
    return context;
  }

  @Override
  public void removeContext(String path) {
    if (!contexts.removeIf(context -> context.getPath().equals(path))) {
      throw new IllegalArgumentException("no context for " + path);
    }
  }

  @Override
  public void removeContext(HttpContext context) {
    if (!contexts.remove(context)) {
      throw new IllegalArgumentException("not a context of this server");
    }
  }

  @Override
  public InetSocketAddress getAddress() {
    return listener == null ? null : (InetSocketAddress) listener.getLocalSocketAddress();
  }

  @Override
  public void setHttpsConfigurator(HttpsConfigurator newConfigurator) {
    if (newConfigurator == null) {
      throw new NullPointerException("configurator");
    }
    configurator = newConfigurator;
  }

  @Override
  public HttpsConfigurator getHttpsConfigurator() {
    return configurator;
  }

  private static void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  /** What {@link HttpsConfigurator#configure} sets, applied to one connection's socket. */
  private static final class Parameters extends HttpsParameters {
    private final HttpsConfigurator configurator;
    private final InetSocketAddress client;
    private final SSLSocket socket;

    Parameters(HttpsConfigurator configurator, InetSocketAddress client, SSLSocket socket) {
      this.configurator = configurator;
      this.client = client;
      this.socket = socket;
    }

    @Override
    public HttpsConfigurator getHttpsConfigurator() {
      return configurator;
    }

    @Override
    public InetSocketAddress getClientAddress() {
      return client;
    }

    @Override
    public void setSSLParameters(SSLParameters parameters) {
      socket.setSSLParameters(parameters);
    }
  }
}
