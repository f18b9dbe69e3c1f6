package dev.factum.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Factum's HTTP/1.1 server on real sockets, against the invariants of {@link Connection} and the
 * {@code sendResponseHeaders} contract of {@link Exchange}. The handler is a small test one: {@code
 * /echo} answers the body it read, {@code /unread} answers without reading, {@code /empty} sends
 * -1, {@code /nocontent} 204, {@code /stream} writes chunks until the client goes away.
 */
class FactumHttpServerTest {
  private static final Limits SHORT =
      Limits.DEFAULT.withTimeouts(
          Duration.ofMillis(400), Duration.ofMillis(400), Duration.ofMillis(400));

  private FactumHttpServer server;
  private final CompletableFuture<Throwable> streamEnded = new CompletableFuture<>();
  private final CountDownLatch slowStarted = new CountDownLatch(1);

  @BeforeEach
  void start() throws IOException {
    server = FactumHttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50, SHORT);
    server.createContext("/", this::handle);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    switch (path) {
      case "/echo" -> {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
          body = in.readAllBytes();
        }
        exchange.getResponseHeaders().set("X-Method", exchange.getRequestMethod());
        exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
        if (body.length > 0) { // a response without a body is closed once its head is sent
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        }
      }
      case "/unread" -> {
        exchange.sendResponseHeaders(200, 2);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write("ok".getBytes(StandardCharsets.US_ASCII));
        }
      }
      case "/empty" -> exchange.sendResponseHeaders(200, -1);
      case "/nocontent" -> exchange.sendResponseHeaders(204, -1);
      case "/chunked" -> {
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write("one,".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          out.write("two".getBytes(StandardCharsets.US_ASCII));
        }
      }
      case "/short" -> {
        exchange.sendResponseHeaders(200, 10);
        exchange.getResponseBody().write("abc".getBytes(StandardCharsets.US_ASCII));
        exchange.close(); // 3 of 10 bytes: the connection must not be reused
      }
      case "/slow" -> {
        slowStarted.countDown();
        try {
          Thread.sleep(300);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        exchange.sendResponseHeaders(200, 4);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write("done".getBytes(StandardCharsets.US_ASCII));
        }
      }
      case "/stream" -> {
        exchange.sendResponseHeaders(200, 0);
        byte[] chunk = new byte[8192];
        OutputStream out = exchange.getResponseBody();
        try {
          while (true) {
            out.write(chunk);
            out.flush();
          }
        } catch (IOException gone) {
          streamEnded.complete(gone);
        } finally {
          exchange.close();
        }
      }
      default -> {
        exchange.sendResponseHeaders(404, -1);
        exchange.close();
      }
    }
  }

  private WireClient client() throws IOException {
    return new WireClient(server.getAddress().getPort());
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrderOnOneConnection() throws Exception {
    try (WireClient client = client()) {
      client.send(
          "GET /echo HTTP/1.1\r\nHost: x\r\n\r\n"
              + "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
              + "HEAD /echo HTTP/1.1\r\nHost: x\r\n\r\n"
              + "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nbye");
      WireClient.Response first = client.read();
      assertThat(first.status()).isEqualTo(200);
      assertThat(first.headers()).containsEntry("content-length", "0").containsKey("date");
      assertThat(client.read().text()).isEqualTo("hello");
      WireClient.Response head = client.read(true);
      assertThat(head.headers()).containsEntry("x-method", "HEAD");
      assertThat(client.read().text()).isEqualTo("bye");
    }
  }

  @Test
  void aChunkedRequestBodyIsDecodedAndAChunkedResponseFramed() throws Exception {
    try (WireClient client = client()) {
      client.send(
          "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "5;ext=1\r\nhello\r\n1\r\n,\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"
              + "GET /chunked HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(client.read().text()).isEqualTo("hello, world");
      WireClient.Response chunked = client.read();
      assertThat(chunked.headers()).containsEntry("transfer-encoding", "chunked");
      assertThat(chunked.text()).isEqualTo("one,two");
    }
  }

  @Test
  void aSmallBodyLeftUnreadIsDrainedAndALargeOneClosesTheConnection() throws Exception {
    try (WireClient client = client()) {
      client.send(
          "POST /unread HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789"
              + "GET /empty HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(client.read().text()).isEqualTo("ok");
      assertThat(client.read().status()).isEqualTo(200); // parsed after the drained body
    }
    int large = (int) Limits.DEFAULT.drainBytes() * 2;
    try (WireClient client = client()) {
      client.send("POST /unread HTTP/1.1\r\nHost: x\r\nContent-Length: " + large + "\r\n\r\n");
      client.send("x".repeat(large));
      assertThat(client.read().text()).isEqualTo("ok");
      assertThat(client.closedByServer()).isTrue();
    }
  }

  @Test
  void aResponseShorterThanPromisedEndsTheConnection() throws Exception {
    try (WireClient client = client()) {
      client.send("GET /short HTTP/1.1\r\nHost: x\r\n\r\nGET /empty HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(client.line()).isEqualTo("HTTP/1.1 200 OK");
      assertThat(client.headers()).containsEntry("content-length", "10");
      byte[] rest = client.socket.getInputStream().readAllBytes();
      assertThat(new String(rest, StandardCharsets.US_ASCII)).isEqualTo("abc");
    }
  }

  @Test
  void sendResponseHeadersFollowsTheJdkContractForNoBody() throws Exception {
    try (WireClient client = client()) {
      client.send(
          "GET /nocontent HTTP/1.1\r\nHost: x\r\n\r\nHEAD /empty HTTP/1.1\r\nHost: x\r\n\r\n"
              + "GET /empty HTTP/1.1\r\nHost: x\r\n\r\n");
      WireClient.Response none = client.read();
      assertThat(none.status()).isEqualTo(204);
      assertThat(none.headers()).doesNotContainKey("content-length");
      WireClient.Response head = client.read(true);
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.headers()).doesNotContainKey("transfer-encoding");
      assertThat(client.read().headers()).containsEntry("content-length", "0");
    }
  }

  @Test
  void expectContinueIsAnsweredBeforeTheBodyIsSent() throws Exception {
    try (WireClient client = client()) {
      client.send(
          "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
      assertThat(client.line()).isEqualTo("HTTP/1.1 100 Continue");
      assertThat(client.line()).isEmpty();
      client.send("body");
      assertThat(client.read().text()).isEqualTo("body");
    }
  }

  @Test
  void aHeadOverTheLimitIs431AndAMalformedOne400() throws Exception {
    try (WireClient client = client()) {
      client.send(
          "GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: "
              + "a".repeat(Limits.DEFAULT.maxHeadBytes())
              + "\r\n\r\n");
      WireClient.Response refused = client.read();
      assertThat(refused.status()).isEqualTo(431);
      assertThat(refused.headers()).containsEntry("connection", "close");
    }
    for (String bad :
        new String[] {
          "GET /echo\r\n\r\n",
          "GET /echo HTTP/1.1\r\nBad Name: x\r\n\r\n",
          "GET /echo HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",
          "POST /echo HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
          "GET /%ZZ HTTP/1.1\r\n\r\n"
        }) {
      try (WireClient client = client()) {
        client.send(bad);
        assertThat(client.read().status()).as(bad).isEqualTo(400);
        assertThat(client.closedByServer()).as(bad).isTrue();
      }
    }
  }

  @Test
  void idleAndTricklingClientsAreTimedOut() throws Exception {
    try (WireClient idle = client();
        WireClient trickling = client()) {
      trickling.send("GET /echo HT");
      long start = System.nanoTime();
      assertThat(idle.closedByServer()).isTrue();
      assertThat(trickling.closedByServer()).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
    assertThat(server.openConnections()).isLessThanOrEqualTo(1); // the closing may be under way
  }

  @Test
  void aClientGoneMidResponseEndsTheHandlersWrites() throws Exception {
    try (WireClient client = client()) {
      client.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(client.line()).isEqualTo("HTTP/1.1 200 OK");
      client.socket.setSoLinger(true, 0); // a reset, as a crashed client's
    }
    assertThat(streamEnded.get(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
    try (WireClient next = client()) {
      next.send("GET /empty HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(next.read().status()).isEqualTo(200);
    }
  }

  @Test
  void stopLetsAnExchangeUnderWayFinishThenClosesEverything() throws Exception {
    try (WireClient busy = client();
        WireClient idle = client()) {
      idle.send("GET /empty HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(idle.read().status()).isEqualTo(200);
      busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(slowStarted.await(5, TimeUnit.SECONDS)).isTrue();
      server.stop(5);
      assertThat(busy.read().text()).isEqualTo("done");
      assertThat(idle.closedByServer()).isTrue();
      assertThat(busy.closedByServer()).isTrue();
    }
  }
}
