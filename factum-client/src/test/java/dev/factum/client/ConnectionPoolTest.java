package dev.factum.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.StreamState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's own HTTP/1.1 connections ({@link ConnectionPool}), against a real server behind a
 * proxy that counts the connections it accepts and can cut them: connections are kept and reused, a
 * connection the server closed while idle is never used for a request (so even a delete, which is
 * never retried once it may have been sent, goes through), and an answer lost after the request was
 * sent is not resent by the transport.
 */
class ConnectionPoolTest {
  @TempDir Path directory;
  ServerFixture server;
  TcpProxy proxy;
  FactumClient client;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (client != null) {
      client.close();
    }
  }

  private void start() throws Exception {
    server = ServerFixture.start(directory);
    proxy = new TcpProxy(server.port());
    client = ServerFixture.client(proxy.uri()).retryPolicy(RetryPolicy.NONE).build();
  }

  private static List<EventData> event(int i) {
    return List.of(EventData.json("Counted", "{\"i\":" + i + "}"));
  }

  @Test
  void oneCallerReusesOneConnectionForEveryCall() throws Exception {
    start();
    for (int i = 0; i < 200; i++) {
      client.append("counter", ExpectedRevision.any(), event(i));
      client.readStream("counter", 0, Direction.FORWARD, 10);
    }
    client.headPosition();

    assertThat(proxy.connections()).isEqualTo(1);
    assertThat(client.streamState("counter").lastRevision()).isEqualTo(199);
  }

  @Test
  void concurrentCallersOpenAtMostOneConnectionEach() throws Exception {
    start();
    int callers = 8;
    List<CompletableFuture<Void>> running = new ArrayList<>();
    for (int c = 0; c < callers; c++) {
      String stream = "caller-" + c;
      running.add(
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < 50; i++) {
                  client.append(stream, ExpectedRevision.any(), event(i));
                }
              },
              Retrier.VIRTUAL));
    }
    running.forEach(CompletableFuture::join);

    assertThat(proxy.connections()).isBetween(1, callers);
    assertThat(server.store.headPosition()).isEqualTo(callers * 50 - 1);
  }

  @Test
  void aConnectionTheServerClosedWhileIdleIsNotUsedEvenForADelete() throws Exception {
    start();
    client.append("doomed", ExpectedRevision.any(), event(0));
    proxy.dropConnections(); // the server side closes the idle connection, as at its idle timeout

    // No retries at all: a delete that met the dead connection would fail as outcome-unknown.
    StreamState state = client.delete("doomed", ExpectedRevision.exact(0));

    assertThat(state.status()).isEqualTo(StreamState.Status.DELETED);
    assertThat(proxy.connections()).isEqualTo(2);
    proxy.dropConnections();
    assertThat(client.headPosition()).isEqualTo(server.store.headPosition());
    assertThat(proxy.connections()).isEqualTo(3);
  }

  @Test
  void anAnswerLostAfterTheRequestWasSentIsNotResentByTheTransport() throws Exception {
    start();
    client.append("once", ExpectedRevision.any(), event(0));
    proxy.dropNextResponse(); // the request reaches the server; its answer is cut off

    assertThatThrownBy(() -> client.delete("once", ExpectedRevision.exact(0)))
        .isInstanceOf(OutcomeUnknownException.class);

    // It was applied once and not sent again (a resend would have needed a new connection).
    assertThat(server.store.streamState("once").status()).isEqualTo(StreamState.Status.DELETED);
    assertThat(proxy.responsesDropped()).isEqualTo(1);
    assertThat(proxy.connections()).isEqualTo(1);
  }
}
