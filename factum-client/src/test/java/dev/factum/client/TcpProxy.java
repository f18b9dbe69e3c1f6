package dev.factum.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy in front of a real server, for breaking connections on purpose: it can let a
 * request through and then drop the response (so the client cannot know whether it was applied),
 * cut every open connection, or go silent on the open connections without closing them (a dead
 * peer). New connections after any of these are forwarded normally.
 *
 * <p>Every connection is two pumps on virtual threads; the proxy never looks into HTTP.
 */
final class TcpProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final Set<Pair> pairs = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicBoolean dropNextResponse = new AtomicBoolean();
  private final AtomicInteger responsesDropped = new AtomicInteger();
  private volatile boolean closeAfterDrop;
  private volatile int targetPort;

  TcpProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("proxy-accept").start(this::accept);
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort());
  }

  /** Connections accepted so far. */
  int connections() {
    return connections.get();
  }

  int responsesDropped() {
    return responsesDropped.get();
  }

  /**
   * The next response bytes the server sends, on any connection, are thrown away and that
   * connection is cut. The server has by then finished handling the request (it answers only when
   * done), so the request was applied but the client never hears of it.
   */
  void dropNextResponse() {
    dropNextResponse.set(true);
  }

  /** Like {@link #dropNextResponse}, and then stop listening too (later connects are refused). */
  void dropNextResponseThenRefuse() {
    closeAfterDrop = true;
    dropNextResponse.set(true);
  }

  /** Cuts every open connection (both sides see it closed). */
  void dropConnections() {
    for (Pair pair : pairs) {
      pair.close();
    }
  }

  /** The open connections stop forwarding server bytes but stay open: a silent peer. */
  void silenceConnections() {
    for (Pair pair : pairs) {
      pair.silenced = true;
    }
  }

  private void accept() {
    while (!listener.isClosed()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException closed) {
        return;
      }
      connections.incrementAndGet();
      Socket server = new Socket();
      try {
        server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2000);
      } catch (IOException refused) {
        closeQuietly(client);
        closeQuietly(server);
        continue;
      }
      Pair pair = new Pair(client, server);
      pairs.add(pair);
      Thread.ofVirtual().start(() -> pair.pump(client, server, false));
      Thread.ofVirtual().start(() -> pair.pump(server, client, true));
    }
  }

  /** One proxied connection. */
  private final class Pair {
    final Socket client;
    final Socket server;
    volatile boolean silenced;

    Pair(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }

    void pump(Socket from, Socket to, boolean response) {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream();
          OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          if (response && dropNextResponse.compareAndSet(true, false)) {
            responsesDropped.incrementAndGet();
            if (closeAfterDrop) {
              closeQuietly(listener);
            }
            close();
            return;
          }
          if (response && silenced) {
            continue;
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException ended) {
        // either side went away
      } finally {
        close();
      }
    }

    void close() {
      pairs.remove(this);
      closeQuietly(client);
      closeQuietly(server);
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception ignored) {
      // already closed
    }
  }

  @Override
  public void close() {
    closeQuietly(listener);
    dropConnections();
  }
}
