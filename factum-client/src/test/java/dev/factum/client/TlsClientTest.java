package dev.factum.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.RecordedEvent;
import dev.factum.api.Subscription;
import dev.factum.api.SubscriptionListener;
import dev.factum.api.SubscriptionRequest;
import dev.factum.engine.FactumStore;
import dev.factum.server.FactumServer;
import dev.factum.server.ServerConfig;
import dev.factum.server.TlsConfig;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import dev.factum.tck.Await;
import dev.factum.tck.TestCertificates;
import dev.factum.tck.TestCertificates.KeyType;
import dev.factum.wire.Pem;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FactumClient over HTTPS against a real TLS server: with the test CA it appends, reads and
 * subscribes; without it, or against a certificate for another host name, it fails at once with
 * {@link UntrustedServerException}, nothing sent and nothing retried.
 */
class TlsClientTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  @TempDir static Path temp;
  static TestCertificates ca;
  static TestCertificates.Server local;
  static TestCertificates.Server elsewhere;

  @BeforeAll
  static void issue() {
    ca = TestCertificates.authority(temp.resolve("ca"));
    local = ca.issue("local", KeyType.EC, TestCertificates.LOCAL);
    elsewhere = ca.issue("elsewhere", KeyType.RSA, "DNS:factum.example");
  }

  private static FactumServer tls(FactumStore store, TestCertificates.Server identity) {
    try {
      return FactumServer.start(
          store,
          ServerConfig.DEFAULT
              .withTls(TlsConfig.fromPem(identity.chain(), identity.key()))
              .withPort(0));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void withTheCaTheClientAppendsReadsAndSubscribes(@TempDir Path data) throws Exception {
    try (FactumStore store = RocksDbEventStore.open(data);
        FactumServer server = tls(store, local);
        FactumClient client =
            FactumClient.builder(server.uri()).trustCertificates(ca.certificate()).build()) {
      assertThat(server.uri().getScheme()).isEqualTo("https");
      client.append(
          "order-1", ExpectedRevision.noStream(), List.of(EventData.json("Placed", "{}")));
      assertThat(client.readStream("order-1", 0, Direction.FORWARD, 10).events())
          .extracting(RecordedEvent::type)
          .containsExactly("Placed");
      List<RecordedEvent> seen = new CopyOnWriteArrayList<>();
      SubscriptionListener listener = seen::add;
      Subscription feed = client.subscribe(SubscriptionRequest.toAll(), listener);
      try {
        client.append("order-1", ExpectedRevision.exact(0), List.of(EventData.json("Paid", "{}")));
        Await.until("two events over SSE", WAIT, () -> seen.size() == 2);
      } finally {
        feed.close();
      }
      assertThat(seen).extracting(RecordedEvent::type).containsExactly("Placed", "Paid");
    }
  }

  @Test
  void withoutTheCaTheClientFailsAtOnceWithoutRetrying(@TempDir Path data) throws Exception {
    AtomicInteger retries = new AtomicInteger();
    try (FactumStore store = RocksDbEventStore.open(data);
        FactumServer server = tls(store, local);
        FactumClient client =
            FactumClient.builder(server.uri())
                .retryListener((operation, attempt, failure, pause) -> retries.incrementAndGet())
                .build()) {
      assertThatThrownBy(
              () ->
                  client.append(
                      "order-1", ExpectedRevision.any(), List.of(EventData.json("Placed", "{}"))))
          .isInstanceOf(UntrustedServerException.class)
          .hasMessageContaining("was not sent: the server's TLS certificate is not trusted")
          .hasMessageContaining("trustCertificates")
          .satisfies(e -> assertThat(((FactumClientException) e).mayHaveBeenApplied()).isFalse());
      assertThatThrownBy(() -> client.subscribe(SubscriptionRequest.toAll(), event -> {}))
          .isInstanceOf(UntrustedServerException.class);
      assertThat(retries).hasValue(0);
      assertThat(store.headPosition()).isEqualTo(-1);
    }
  }

  @Test
  void theHostNameIsChecked(@TempDir Path data) throws Exception {
    try (FactumStore store = RocksDbEventStore.open(data);
        FactumServer server = tls(store, elsewhere);
        FactumClient client =
            FactumClient.builder(server.uri())
                .sslContext(Pem.trustContext(ca.certificate()))
                .build()) {
      assertThatThrownBy(() -> client.headPosition())
          .isInstanceOf(UntrustedServerException.class)
          .hasMessageContaining("127.0.0.1");
    }
  }

  @Test
  void trustSettingsNeedAnHttpsUri() {
    assertThatThrownBy(
            () ->
                FactumClient.builder(URI.create("http://127.0.0.1:7117"))
                    .trustCertificates(ca.certificate()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("https://");
    assertThatThrownBy(
            () ->
                FactumClient.builder(URI.create("https://127.0.0.1:7117"))
                    .trustCertificates(local.key()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("holds no PEM certificate");
  }
}
