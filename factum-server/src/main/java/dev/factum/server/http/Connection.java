package dev.factum.server.http;

import com.sun.net.httpserver.Filter;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * One client connection, served on one (virtual) thread from accept to close: it reads a request,
 * runs the handler on this same thread (no hand-off to an executor and back), writes the response
 * through one buffer, and reads the next request.
 *
 * <p>What must stay true:
 *
 * <ul>
 *   <li>One exchange at a time: the next request head is read only after the previous exchange is
 *       closed, so pipelined requests are answered in order and their bytes wait in the buffer.
 *   <li>A response is complete or the connection is closed: an exchange whose body was not framed
 *       as promised (fewer bytes than its length, a handler that failed mid-response, no response
 *       at all) ends the connection; the client never reads half a response as a whole one.
 *   <li>A request body not read to its end is drained (up to {@link Limits#drainBytes}) or the
 *       connection closed: the next request is never parsed from the middle of a body.
 *   <li>No client holds a connection forever: an idle keep-alive connection is closed after {@link
 *       Limits#idle}, a request head must arrive within {@link Limits#headTimeout} of its first
 *       byte, and each read of a body or of a TLS handshake waits at most {@link
 *       Limits#readTimeout}. (Writes have no timeout, as with the JDK server: a client that stops
 *       reading an SSE stream blocks its session's writes until its heartbeat fails or the server
 *       stops, which closes every connection.)
 *   <li>When the server closes a connection that may still have request bytes in flight, it first
 *       shuts its sending side and reads what the client still sends for a moment (a "lingering
 *       close"), so the kernel does not answer those bytes with a reset that could destroy the
 *       response the client has not read yet.
 * </ul>
 */
final class Connection implements Runnable {
  private static final int BUFFER = 8 * 1024; // each way, as the JDK server's streams
  private static final int LINGER_MILLIS = 2_000;
  private static final int LINGER_BYTES = 1 << 20;

  private final FactumHttpServer server;
  private final Socket raw;
  private final Limits limits;
  private volatile Socket socket;
  WireInput in;
  WireOutput out;
  private boolean linger;

  Connection(FactumHttpServer server, Socket raw, Limits limits) {
    this.server = server;
    this.raw = raw;
    this.socket = raw;
    this.limits = limits;
  }

  @Override
  public void run() {
    try {
      raw.setTcpNoDelay(true);
      Socket open = raw;
      SSLSocket tls = server.secure(raw);
      if (tls != null) {
        tls.setSoTimeout(millis(limits.readTimeout()));
        socket = tls;
        open = tls;
        tls.startHandshake();
      }
      in = new WireInput(open, open.getInputStream(), BUFFER);
      out = new WireOutput(open.getOutputStream(), BUFFER);
      serve();
    } catch (IOException | RuntimeException gone) {
      // the client went away, timed out, or sent what cannot be framed: nothing is owed to it
      linger = false;
    } finally {
      close();
      server.closed(this);
    }
  }

  private void serve() throws IOException {
    int idle = millis(limits.idle());
    int read = millis(limits.readTimeout());
    long headMillis = limits.headTimeout().toMillis();
    while (!server.stopping()) {
      in.clearDeadline();
      in.readTimeout(idle);
      try {
        if (!in.fill()) {
          return; // the client closed its idle connection
        }
      } catch (SocketTimeoutException idleTooLong) {
        return;
      }
      in.readTimeout(read);
      if (headMillis > 0) {
        in.deadline(headMillis);
      }
      RequestHead head;
      try {
        head = RequestHead.read(in, limits);
      } catch (HttpFailure failure) {
        reject(failure.status, failure.getMessage());
        return;
      }
      if (head == null) {
        return;
      }
      in.clearDeadline();
      Context context = server.findContext(head.uri().getPath());
      if (context == null || context.getHandler() == null) {
        reject(404, "No context found for request");
        return;
      }
      if (!exchange(head, context)) {
        return;
      }
    }
  }

  /** Runs one exchange on this thread; whether the connection may carry another. */
  private boolean exchange(RequestHead head, Context context) throws IOException {
    server.exchangeStarted();
    Exchange exchange = null;
    try {
      exchange = new Exchange(this, head, context, limits);
      new Filter.Chain(context.getFilters(), context.getHandler()).doFilter(exchange);
    } catch (IOException | RuntimeException failed) {
      // as the JDK server: a handler that throws loses its connection (its response may be half)
      if (exchange != null) {
        exchange.close();
      }
      linger = true;
      return false;
    } finally {
      if (exchange != null) {
        exchange.close(); // a handler that returned without closing: its response ends here
      }
      server.exchangeEnded();
    }
    if (!exchange.reusable()) {
      linger = true;
      return false;
    }
    return true;
  }

  /** Answers a request that cannot be served and ends the connection, as the JDK server does. */
  private void reject(int status, String message) {
    linger = true;
    try {
      byte[] text = message.getBytes(StandardCharsets.ISO_8859_1);
      out.ascii("HTTP/1.1 " + status + " " + StatusText.of(status) + "\r\n");
      out.write(HttpDate.headerLine());
      out.ascii("Content-Type: text/plain; charset=iso-8859-1\r\n");
      out.ascii("Content-Length: " + text.length + "\r\nConnection: close\r\n\r\n");
      out.write(text);
      out.flush();
    } catch (IOException gone) {
      linger = false;
    }
  }

  /** Closes the connection, lingering first if the client may still be sending. */
  void close() {
    Socket open = socket;
    try {
      if (linger && open == raw && !raw.isClosed() && !server.stopping()) {
        raw.shutdownOutput();
        raw.setSoTimeout(LINGER_MILLIS);
        InputStream rest = raw.getInputStream();
        byte[] skip = new byte[8192];
        long until = System.nanoTime() + LINGER_MILLIS * 1_000_000L;
        int total = 0;
        int n;
        while (total < LINGER_BYTES && System.nanoTime() < until && (n = rest.read(skip)) >= 0) {
          total += n;
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // closing anyway
    } finally {
      linger = false;
      try {
        open.close();
      } catch (IOException ignored) {
        // nothing more to do for a socket that fails to close
      }
      if (open != raw) {
        try {
          raw.close();
        } catch (IOException ignored) {
          // the layered socket closed it already
        }
      }
    }
  }

  /** Ends the connection now (server stop): any blocked read or write of it fails. */
  void abort() {
    try {
      socket.close();
      raw.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  InetSocketAddress remoteAddress() {
    return (InetSocketAddress) raw.getRemoteSocketAddress();
  }

  InetSocketAddress localAddress() {
    return (InetSocketAddress) raw.getLocalSocketAddress();
  }

  SSLSession sslSession() {
    return socket instanceof SSLSocket tls ? tls.getSession() : null;
  }

  private static int millis(Duration duration) {
    return (int) Math.min(duration.toMillis(), Integer.MAX_VALUE);
  }
}
