package dev.factum.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP receiver on a free loopback port for the commands that POST to one (webhooks,
 * reactions): it reads each request to {@code /hook} whole, answers with a fixed status and no
 * body, and counts the requests.
 */
final class HookReceiver implements AutoCloseable {
  private final HttpServer server;
  private final AtomicInteger received = new AtomicInteger();

  private HookReceiver(int status) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    server.createContext(
        "/hook",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          received.incrementAndGet();
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    server.start();
  }

  /** A receiver answering every request with {@code status}. */
  static HookReceiver start(int status) throws IOException {
    return new HookReceiver(status);
  }

  /** The URL to POST to. */
  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  /** How many requests came so far. */
  int received() {
    return received.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
