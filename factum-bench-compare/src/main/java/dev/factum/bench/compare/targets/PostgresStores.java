package dev.factum.bench.compare.targets;

import dev.factum.bench.compare.peers.SharedPostgres;
import dev.factum.engine.FactumStore;
import dev.factum.storage.postgres.PostgresConfig;
import dev.factum.storage.postgres.PostgresEventStore;

/**
 * Factum's PostgreSQL storage for the comparison: a fresh database per session on the run's {@link
 * SharedPostgres} (left to the server, which is deleted at the end of the run).
 */
public record PostgresStores(SharedPostgres postgres) implements FactumTarget.Storage {

  @Override
  public String describe() {
    return postgres.describe() + ", factum-storage-postgres (a commit per group commit)";
  }

  @Override
  public FactumStore open(String label) {
    var server = postgres.server();
    String url = server.createDatabase("factum_" + label);
    return PostgresEventStore.open(PostgresConfig.of(url, server.user(), server.password()));
  }

  @Override
  public void drop(String label) {}

  @Override
  public void close() {}
}
