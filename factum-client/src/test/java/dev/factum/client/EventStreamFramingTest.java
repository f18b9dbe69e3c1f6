package dev.factum.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link Http1Connection#streamed} over a real socket, against a peer that cuts a chunked event
 * stream at awkward places (inside a chunk-size line, between a chunk and its CRLF, inside the
 * data): the bytes handed over are exactly the body, in order, then the end; a peer that goes
 * silent makes the read time out at its deadline instead of waiting.
 */
class EventStreamFramingTest {
  private static final byte[] HEAD =
      "GET /all/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n"
          .getBytes(StandardCharsets.US_ASCII);
  private static final String ANSWER =
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";

  @Test
  void handsOverExactlyTheBodyWhereverTheWritesCutIt() throws Exception {
    String first = "id: 0\ndata: {\"a\":1}\n\n";
    String second = "id: 1\ndata: {\"b\":\"" + "x".repeat(40_000) + "\"}\n\n";
    String third = ": heartbeat\n\n";
    String wire = ANSWER + chunk(first) + chunk(second) + chunk(third) + "0\r\n\r\n";
    int[] cuts = {
      ANSWER.length() + 1,
      ANSWER.length() + 7,
      ANSWER.length() + 30,
      wire.length() - 9,
      wire.length() - 3
    };
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> peer = CompletableFuture.runAsync(() -> serve(server, wire, cuts));
      Http1Connection connection = connect(server);
      try {
        assertThat(connection.openStream(HEAD, deadline(5_000)).status()).isEqualTo(200);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] bytes = connection.streamed(deadline(5_000));
            bytes != null;
            bytes = connection.streamed(deadline(5_000))) {
          assertThat(bytes).isNotEmpty();
          body.write(bytes);
        }
        assertThat(body.toString(StandardCharsets.UTF_8)).isEqualTo(first + second + third);
        assertThat(connection.streamed(deadline(5_000))).isNull();
      } finally {
        connection.close();
      }
      peer.get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aSilentPeerTimesOutAtTheDeadline() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> peer =
          CompletableFuture.runAsync(() -> serve(server, ANSWER + chunk("id: 0\n"), new int[0]));
      Http1Connection connection = connect(server);
      try {
        connection.openStream(HEAD, deadline(5_000));
        assertThat(new String(connection.streamed(deadline(5_000)), StandardCharsets.UTF_8))
            .isEqualTo("id: 0\n");
        long started = System.nanoTime();
        assertThatThrownBy(() -> connection.streamed(deadline(200)))
            .isInstanceOf(SocketTimeoutException.class);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
            .isBetween(150L, 3_000L);
      } finally {
        connection.close();
      }
      peer.get(5, TimeUnit.SECONDS);
    }
  }

  private static String chunk(String data) {
    return Integer.toHexString(data.getBytes(StandardCharsets.UTF_8).length)
        + "\r\n"
        + data
        + "\r\n";
  }

  private static long deadline(long millis) {
    return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
  }

  private static Http1Connection connect(ServerSocket server) throws Exception {
    SocketChannel channel = SocketChannel.open();
    channel.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
    return new Http1Connection(new PlainWire(channel));
  }

  /** Reads the request head, then writes {@code wire} in pieces cut at {@code cuts}. */
  private static void serve(ServerSocket server, String wire, int[] cuts) {
    try (Socket socket = server.accept()) {
      socket.setTcpNoDelay(true);
      InputStream in = socket.getInputStream();
      int ends = 0;
      while (ends < 4) { // up to CRLF CRLF
        int b = in.read();
        if (b < 0) {
          return;
        }
        ends = (b == '\r' || b == '\n') ? ends + 1 : 0;
      }
      OutputStream out = socket.getOutputStream();
      byte[] bytes = wire.getBytes(StandardCharsets.UTF_8);
      int at = 0;
      for (int cut : cuts) {
        out.write(bytes, at, cut - at);
        out.flush();
        Thread.sleep(30);
        at = cut;
      }
      out.write(bytes, at, bytes.length - at);
      out.flush();
      Thread.sleep(500); // keeps the connection open while the client reads or waits
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
