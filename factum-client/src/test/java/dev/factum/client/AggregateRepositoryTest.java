package dev.factum.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.EventStore;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamState;
import dev.factum.api.WrongExpectedRevisionException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The aggregate repository: load by folding a stream, decide, append on the exact revision, and on
 * a conflict decide again on fresh state. The same code runs over the embedded store and over HTTP,
 * and under heavy contention it loses nothing and never breaks the aggregate's invariant.
 */
class AggregateRepositoryTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path directory;
  ServerFixture server;
  FactumClient client;

  /** Where the repository's store lives. */
  enum Backend {
    EMBEDDED,
    HTTP
  }

  /** A bank account: its balance must never go negative. */
  record Account(long balance, int deposits, int withdrawals) {
    static final Account EMPTY = new Account(0, 0, 0);
  }

  /** A command refused by the account's rule. */
  static final class InsufficientFunds extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InsufficientFunds(long balance, long amount) {
      super("balance " + balance + " cannot cover " + amount);
    }
  }

  static Account evolve(Account account, RecordedEvent event) {
    long amount;
    try {
      amount = JSON.readTree(event.data()).get("amount").asLong();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return switch (event.type()) {
      case "Deposited" ->
          new Account(account.balance() + amount, account.deposits() + 1, account.withdrawals());
      case "Withdrawn" ->
          new Account(account.balance() - amount, account.deposits(), account.withdrawals() + 1);
      default -> throw new IllegalStateException("unknown event " + event.type());
    };
  }

  static List<EventData> deposit(long amount) {
    return List.of(EventData.json("Deposited", "{\"amount\":" + amount + "}"));
  }

  static List<EventData> withdraw(Account account, long amount) {
    if (account.balance() < amount) {
      throw new InsufficientFunds(account.balance(), amount);
    }
    return List.of(EventData.json("Withdrawn", "{\"amount\":" + amount + "}"));
  }

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

  private EventStore store(Backend backend) {
    return backend == Backend.EMBEDDED ? server.store : client;
  }

  private AggregateRepository<Account> accounts(EventStore store) {
    return AggregateRepository.of(
        store, id -> "account-" + id, () -> Account.EMPTY, AggregateRepositoryTest::evolve);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void loadsFoldsAndExecutesOnTheExactRevision(Backend backend) {
    AggregateRepository<Account> accounts = accounts(store(backend)).withPageSize(2);
    assertThat(accounts.loadWithRevision("a"))
        .isEqualTo(new AggregateRepository.Loaded<>(Account.EMPTY, StreamState.NO_REVISION));

    AggregateRepository.Executed<Account> opened = accounts.execute("a", state -> deposit(100));
    assertThat(opened.state()).isEqualTo(new Account(100, 1, 0));
    assertThat(opened.revision()).isEqualTo(0);
    assertThat(opened.attempts()).isEqualTo(1);
    assertThat(opened.appended().firstRevision()).isEqualTo(0);

    for (int i = 0; i < 6; i++) {
      accounts.execute("a", state -> withdraw(state, 10));
    }
    AggregateRepository.Executed<Account> last = accounts.execute("a", state -> deposit(5));
    assertThat(last.state()).isEqualTo(new Account(45, 2, 6));
    assertThat(last.revision()).isEqualTo(7);
    // Loading in pages of two folds to what execute returned.
    assertThat(accounts.loadWithRevision("a"))
        .isEqualTo(new AggregateRepository.Loaded<>(last.state(), 7));
    assertThat(accounts.load("a")).isEqualTo(last.state());

    AggregateRepository.Executed<Account> nothing = accounts.execute("a", state -> List.of());
    assertThat(nothing.appended()).isNull();
    assertThat(nothing.revision()).isEqualTo(7);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aRefusedCommandWritesNothing(Backend backend) {
    AggregateRepository<Account> accounts = accounts(store(backend));
    accounts.execute("b", state -> deposit(20));
    assertThatThrownBy(() -> accounts.execute("b", state -> withdraw(state, 50)))
        .isInstanceOf(InsufficientFunds.class);
    assertThat(server.store.streamState("account-b").lastRevision()).isEqualTo(0);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aConcurrentWriteMakesTheCommandDecideAgainOnFreshState(Backend backend) {
    EventStore store = store(backend);
    AggregateRepository<Account> accounts = accounts(store);
    accounts.execute("c", state -> deposit(100));
    AtomicInteger runs = new AtomicInteger();
    List<Long> balancesSeen = new CopyOnWriteArrayList<>();

    AggregateRepository.Executed<Account> done =
        accounts.execute(
            "c",
            state -> {
              balancesSeen.add(state.balance());
              if (runs.incrementAndGet() == 1) {
                // Someone else deposits between our load and our append.
                store.append("account-c", ExpectedRevision.exact(0), deposit(50));
              }
              return withdraw(state, 80);
            });

    assertThat(runs).hasValue(2);
    assertThat(balancesSeen).containsExactly(100L, 150L);
    assertThat(done.attempts()).isEqualTo(2);
    assertThat(done.state()).isEqualTo(new Account(70, 2, 1));
    assertThat(done.revision()).isEqualTo(2);
    assertThat(accounts.load("c")).isEqualTo(done.state());
  }

  @Test
  void givesUpAfterMaxAttemptsWithTheLastConflict() {
    AggregateRepository<Account> accounts = accounts(client).withMaxAttempts(3);
    accounts.execute("d", state -> deposit(1));
    AtomicInteger runs = new AtomicInteger();
    assertThatThrownBy(
            () ->
                accounts.execute(
                    "d",
                    state -> {
                      runs.incrementAndGet();
                      client.append("account-d", ExpectedRevision.any(), deposit(1));
                      return deposit(1000);
                    }))
        .isInstanceOfSatisfying(
            WrongExpectedRevisionException.class,
            conflict -> {
              assertThat(conflict.stream()).isEqualTo("account-d");
              assertThat(conflict.getSuppressed()).hasSize(1);
            });
    assertThat(runs).hasValue(3);
    assertThat(accounts.load("d")).isEqualTo(new Account(4, 4, 0));
  }

  @Test
  void aDeletedAggregateStartsOverAndItsRevisionsContinue() {
    AggregateRepository<Account> accounts = accounts(client);
    accounts.execute("e", state -> deposit(10));
    accounts.execute("e", state -> deposit(10));
    client.delete("account-e", ExpectedRevision.exact(1));

    assertThat(accounts.loadWithRevision("e").isNew()).isTrue();
    AggregateRepository.Executed<Account> reopened = accounts.execute("e", state -> deposit(7));
    assertThat(reopened.state()).isEqualTo(new Account(7, 1, 0));
    assertThat(reopened.revision()).isEqualTo(2);
    assertThat(accounts.loadWithRevision("e"))
        .isEqualTo(new AggregateRepository.Loaded<>(new Account(7, 1, 0), 2));
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void manyWritersOnOneAggregateLoseNothingAndKeepTheInvariant(Backend backend) throws Exception {
    AggregateRepository<Account> accounts = accounts(store(backend)).withMaxAttempts(1000);
    int threads = 8;
    int commandsEach = 20;
    List<AggregateRepository.Executed<Account>> executed = new CopyOnWriteArrayList<>();
    AtomicInteger refused = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        work.add(
            pool.submit(
                () -> {
                  go.await();
                  for (int i = 0; i < commandsEach; i++) {
                    boolean depositing = (thread + i) % 2 == 0;
                    try {
                      executed.add(
                          accounts.execute(
                              "shared", state -> depositing ? deposit(10) : withdraw(state, 15)));
                    } catch (InsufficientFunds rule) {
                      refused.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> done : work) {
        done.get();
      }
    } finally {
      pool.shutdownNow();
    }

    List<RecordedEvent> stream =
        server.store.readStream("account-shared", 0, Direction.FORWARD, 10_000).events();
    // Nothing lost, nothing twice: one event per accepted command, at the positions they reported.
    assertThat(executed.size() + refused.get()).isEqualTo(threads * commandsEach);
    assertThat(stream).hasSize(executed.size());
    Set<Long> reported = new HashSet<>();
    for (AggregateRepository.Executed<Account> result : executed) {
      reported.add(result.appended().firstPosition());
    }
    assertThat(reported)
        .isEqualTo(new HashSet<>(stream.stream().map(RecordedEvent::position).toList()));

    // The invariant held at every revision, and each command's result is that revision's state.
    List<Account> history = new ArrayList<>();
    Account state = Account.EMPTY;
    for (RecordedEvent event : stream) {
      state = evolve(state, event);
      assertThat(state.balance()).as("balance at revision " + event.revision()).isNotNegative();
      history.add(state);
    }
    for (AggregateRepository.Executed<Account> result : executed) {
      assertThat(result.state()).isEqualTo(history.get((int) result.revision()));
    }
    // The final state is the serial fold of the accepted commands.
    long deposits = executed.stream().filter(r -> r.state().deposits() > 0).count();
    assertThat(accounts.load("shared")).isEqualTo(state);
    assertThat(state.balance()).isEqualTo(10L * state.deposits() - 15L * state.withdrawals());
    assertThat(state.deposits() + state.withdrawals()).isEqualTo(executed.size());
    assertThat(deposits).isPositive();
    // Writers really raced: some commands had to decide again.
    assertThat(executed.stream().mapToInt(r -> r.attempts() - 1).sum()).isPositive();
  }
}
