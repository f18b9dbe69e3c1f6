package dev.factum.server;

import dev.factum.engine.FactumStore;
import dev.factum.projections.Projections;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * The declarative projections of each store this server serves: the root store's start with the
 * server; a tenant's when a request first reaches them (they then resume from their groups'
 * checkpoints, so nothing is lost while they did not run).
 *
 * <p>What must stay true: one {@link Projections} per open store (two would run two runners per
 * definition); one of a store that has been closed (a deleted tenant) is dropped and replaced.
 */
final class ServerProjections implements AutoCloseable {
  private final IdentityHashMap<FactumStore, Projections> byStore = new IdentityHashMap<>();

  ServerProjections(FactumStore root) {
    of(root);
  }

  synchronized Projections of(FactumStore store) {
    byStore.entrySet().removeIf(entry -> entry.getKey().isStopped() && entry.getKey() != store);
    return byStore.computeIfAbsent(store, Projections::start);
  }

  /** Every store's projections, for metrics. */
  synchronized List<Projections> all() {
    return new ArrayList<>(byStore.values());
  }

  @Override
  public synchronized void close() {
    byStore.values().forEach(Projections::close);
    byStore.clear();
  }
}
