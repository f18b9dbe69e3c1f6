package dev.factum.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.EventData;
import dev.factum.engine.FactumStore;
import dev.factum.server.FactumServer;
import dev.factum.server.ServerConfig;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client example of README.md, kept compiling and passing. Change both together. */
class ReadmeClientExampleTest {
  @TempDir Path data;

  /** The state of a bank account in the README example. */
  record Account(long balance) {}

  @Test
  void theReadmeClientExampleWorks() throws Exception {
    try (FactumStore store = RocksDbEventStore.open(data);
        FactumServer server = FactumServer.start(store, ServerConfig.DEFAULT.withPort(0))) {
      URI serverUri = server.uri();
      long balance;
      // --- README example starts ---
      try (FactumClient client = FactumClient.connect(serverUri)) {
        AggregateRepository<Account> accounts =
            AggregateRepository.of(
                client,
                id -> "account-" + id,
                () -> new Account(0),
                (account, event) ->
                    switch (event.type()) {
                      case "Deposited" -> new Account(account.balance() + 100);
                      case "Withdrawn" -> new Account(account.balance() - 100);
                      default -> account;
                    });

        // Load, decide, append with the expected revision; on a conflict, reload and decide again.
        accounts.execute("42", account -> List.of(EventData.json("Deposited", "{\"amount\":100}")));
        accounts.execute(
            "42",
            account ->
                account.balance() >= 100
                    ? List.of(EventData.json("Withdrawn", "{\"amount\":100}"))
                    : List.of()); // nothing to do: nothing is written
        balance = accounts.load("42").balance();
      }
      // --- README example ends ---
      assertThat(balance).isZero();
      assertThat(store.streamState("account-42").lastRevision()).isEqualTo(1);
    }
  }
}
