package dev.factum.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.EventStore;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.RecordedEvent;
import dev.factum.api.snapshots.Snapshot;
import dev.factum.api.snapshots.Snapshots;
import dev.factum.client.AggregateRepository.SnapshotPolicy;
import dev.factum.client.AggregateRepositoryTest.Account;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The repository with snapshots, embedded and over HTTP: it takes one every N events, loads from it
 * folding only the events after it (same state as folding everything), ignores a snapshot of
 * another schema version without decoding it, and never folds a snapshot into a stream deleted and
 * written again after it.
 */
class AggregateSnapshotTest {
  @TempDir Path directory;
  ServerFixture server;
  FactumClient client;
  final AtomicInteger folded = new AtomicInteger();
  final AtomicInteger decoded = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    server = ServerFixture.start(directory);
    client = server.client().build();
  }

  @AfterEach
  void stop() {
    server.close();
    client.close();
  }

  private EventStore store(AggregateRepositoryTest.Backend backend) {
    return backend == AggregateRepositoryTest.Backend.EMBEDDED ? server.store : client;
  }

  private static byte[] encode(Account account) {
    return ByteBuffer.allocate(16)
        .putLong(account.balance())
        .putInt(account.deposits())
        .putInt(account.withdrawals())
        .array();
  }

  private Account decode(byte[] bytes) {
    decoded.incrementAndGet();
    ByteBuffer in = ByteBuffer.wrap(bytes);
    return new Account(in.getLong(), in.getInt(), in.getInt());
  }

  private AggregateRepository<Account> accounts(EventStore store) {
    return AggregateRepository.of(
        store,
        id -> "account-" + id,
        () -> Account.EMPTY,
        (Account account, RecordedEvent event) -> {
          folded.incrementAndGet();
          return AggregateRepositoryTest.evolve(account, event);
        });
  }

  private AggregateRepository<Account> snapshotting(EventStore store, int schema, int every) {
    return accounts(store)
        .withSnapshots(
            new SnapshotPolicy<>(schema, every, AggregateSnapshotTest::encode, this::decode));
  }

  @ParameterizedTest
  @EnumSource(AggregateRepositoryTest.Backend.class)
  void snapshotsTakenEveryNEventsGiveTheSameState(AggregateRepositoryTest.Backend backend) {
    EventStore store = store(backend);
    AggregateRepository<Account> withSnapshots = snapshotting(store, 1, 10);
    for (int i = 1; i <= 25; i++) {
      withSnapshots.execute("a", state -> AggregateRepositoryTest.deposit(1));
    }
    Snapshot taken = store.snapshots().load("account-a").orElseThrow();
    assertThat(taken.revision()).isEqualTo(19);
    assertThat(decode(taken.data())).isEqualTo(new Account(20, 20, 0));

    folded.set(0);
    AggregateRepository.Loaded<Account> plain = accounts(store).loadWithRevision("a");
    assertThat(folded.get()).isEqualTo(25);
    folded.set(0);
    assertThat(withSnapshots.loadWithRevision("a")).isEqualTo(plain);
    assertThat(folded.get()).isEqualTo(5); // only revisions 20..24
    assertThat(plain).isEqualTo(new AggregateRepository.Loaded<>(new Account(25, 25, 0), 24));
  }

  @ParameterizedTest
  @EnumSource(AggregateRepositoryTest.Backend.class)
  void aSnapshotOfAnotherSchemaVersionIsIgnoredNotDecoded(AggregateRepositoryTest.Backend backend) {
    EventStore store = store(backend);
    for (int i = 0; i < 6; i++) {
      accounts(store).execute("b", state -> AggregateRepositoryTest.deposit(10));
    }
    // Version 1 wrote this; its bytes mean something else to version 2 (here: nothing at all).
    store.snapshots().save(new Snapshot("account-b", 3, 1, new byte[] {'v', '1'}));
    decoded.set(0);
    folded.set(0);
    AggregateRepository.Loaded<Account> loaded = snapshotting(store, 2, 100).loadWithRevision("b");
    assertThat(decoded.get()).isZero();
    assertThat(folded.get()).isEqualTo(6);
    assertThat(loaded).isEqualTo(new AggregateRepository.Loaded<>(new Account(60, 6, 0), 5));

    // A snapshot of its own version is used: the state it holds, then the events after it.
    store.snapshots().save(new Snapshot("account-b", 4, 2, encode(new Account(1000, 1, 0))));
    folded.set(0);
    assertThat(snapshotting(store, 2, 100).load("b")).isEqualTo(new Account(1010, 2, 0));
    assertThat(folded.get()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(AggregateRepositoryTest.Backend.class)
  void aSnapshotFromBeforeADeleteIsNeverFoldedIn(AggregateRepositoryTest.Backend backend) {
    EventStore store = store(backend);
    for (int i = 0; i < 5; i++) {
      accounts(store).execute("c", state -> AggregateRepositoryTest.deposit(1));
    }
    Snapshot stale = new Snapshot("account-c", 2, 1, encode(new Account(999, 3, 0)));
    store.snapshots().save(stale);
    store.delete("account-c", ExpectedRevision.exact(4));
    for (int i = 0; i < 3; i++) {
      accounts(store).execute("c", state -> AggregateRepositoryTest.deposit(7)); // revisions 5..7
    }
    Account expected = new Account(21, 3, 0);
    assertThat(snapshotting(store, 1, 100).load("c")).isEqualTo(expected);

    // The race the store cannot see: the snapshot read just before the delete, the events after.
    EventStore racing = servingSnapshot(store, stale);
    decoded.set(0);
    assertThat(snapshotting(racing, 1, 100).loadWithRevision("c"))
        .isEqualTo(new AggregateRepository.Loaded<>(expected, 7));
  }

  /** {@code store}, except that its snapshots always answer {@code snapshot}. */
  private static EventStore servingSnapshot(EventStore store, Snapshot snapshot) {
    Snapshots fixed =
        new Snapshots() {
          @Override
          public boolean save(Snapshot ignored) {
            return false;
          }

          @Override
          public Optional<Snapshot> load(String stream) {
            return Optional.of(snapshot);
          }
        };
    return (EventStore)
        Proxy.newProxyInstance(
            EventStore.class.getClassLoader(),
            new Class<?>[] {EventStore.class},
            (proxy, method, args) -> {
              if (method.getName().equals("snapshots")) {
                return fixed;
              }
              try {
                return method.invoke(store, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
