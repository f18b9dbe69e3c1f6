package dev.factum.cli;

import static dev.factum.cli.FactumCommandTest.factum;
import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.AppendRequest;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.engine.FactumStore;
import dev.factum.postgres.testing.LocalPostgres;
import dev.factum.storage.postgres.PostgresConfig;
import dev.factum.storage.postgres.PostgresEventStore;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** {@code factum verify --storage postgres} checks a live database and names what is wrong. */
class VerifyPostgresTest {

  @Test
  void verifiesADatabaseAndNamesDamage() throws Exception {
    LocalPostgres postgres = LocalPostgres.shared();
    String url = postgres.createDatabase("factum_verify");
    try (FactumStore store =
        PostgresEventStore.open(PostgresConfig.of(url, postgres.user(), postgres.password()))) {
      for (int i = 0; i < 3; i++) {
        store.append(
            AppendRequest.of("order-1", ExpectedRevision.any(), EventData.json("T", "{}")));
      }
      FactumCommandTest.Run clean =
          factum("verify", "--storage", "postgres", "--pg-url", url, "--pg-user", postgres.user());
      assertThat(clean.exit()).as(clean.err()).isZero();
      assertThat(clean.out()).startsWith("OK: 3 events, 1 streams");

      try (Connection connection = postgres.connect(url);
          Statement statement = connection.createStatement()) {
        statement.execute("DELETE FROM factum_events WHERE position = 1");
      }
      FactumCommandTest.Run damaged =
          factum("verify", "--storage", "postgres", "--pg-url", url, "--pg-user", postgres.user());
      assertThat(damaged.exit()).isEqualTo(1);
      assertThat(damaged.out()).contains("DAMAGED").contains("order-1");
    }
  }
}
