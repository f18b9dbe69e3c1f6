package dev.factum.server;

import dev.factum.api.FactumException;
import dev.factum.api.StoreClosedException;
import dev.factum.engine.FactumStore;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.function.Function;

/**
 * The Serialized reactors of every store this server serves: one {@link SerializedReactions} per
 * open store that has reaction definitions (the root store's and each tenant's), so a tenant's
 * reactions are its own (docs/SERIALIZED.md "Reactions").
 *
 * <p>Design note. A reactor runs while its store is open and has (or is given) a definition: it is
 * started when {@link TenantStores} opens a tenant's store that has definitions, or when the first
 * definition of a store is written through the API, and stopped before its store is closed (the
 * tenant deleted, here or through another server, or the server stopping). A tenant's store is
 * opened lazily, on a request; a restart must not leave a tenant's scheduled reactions waiting for
 * one, so before a tenant's first definition is written a marker naming the tenant is written to
 * the root store ({@value #REACTIVE}, keyed by the tenant's location), and at start-up the store of
 * every live tenant marked so is opened (and with it its reactor). A marker of a tenant no longer
 * live is deleted then, or when this server applies the tenant's deletion.
 *
 * <p>What must stay true: at most one reactor per store (two would execute each reaction twice as
 * often, harmless but wasteful: executions are claimed by compare-and-set); no reactor outlives its
 * store; a marker is durable before the definition it stands for. The counts ({@link #executed},
 * {@link #failed}) only grow: a stopped reactor's are kept. No tenant is named in a metric.
 *
 * <p>What it deliberately does not do: delete a tenant's marker when its last definition is deleted
 * (a put racing that deletion could lose its marker; a stale one costs an open store at start-up).
 */
final class ServerReactions implements AutoCloseable {
  static final String REACTIVE = "serialized.reactive-tenants";

  private final FactumStore root;
  private final TenantMarkers markers;
  private final Function<FactumStore, SerializedReactions> starter;
  private final IdentityHashMap<FactumStore, SerializedReactions> byStore = new IdentityHashMap<>();
  private final IdentityHashMap<FactumStore, TenantRecord> tenantOf = new IdentityHashMap<>();
  private long retiredExecuted;
  private long retiredFailed;
  private boolean closed;

  ServerReactions(FactumStore root, Function<FactumStore, SerializedReactions> starter) {
    this.root = root;
    this.markers = new TenantMarkers(root, REACTIVE);
    this.starter = starter;
    byStore.put(root, starter.apply(root));
  }

  /**
   * Follows the tenants' stores of {@code tenants}, then opens those of the tenants marked as
   * having reactions.
   */
  void follow(TenantStores tenants) {
    tenants.onStores(
        new TenantStores.StoreListener() {
          @Override
          public void opened(TenantRecord tenant, FactumStore store) {
            storeOpened(tenant, store);
          }

          @Override
          public void closing(String location, FactumStore store, boolean deleted) {
            storeClosing(store);
            if (deleted) {
              unmark(location);
            }
          }
        });
    for (TenantRecord tenant : markers.live(tenants.registry(), true)) {
      try {
        tenants.openStoreOf(tenant);
      } catch (FactumException e) {
        // no tenant storage on this start, or the store cannot open: the server still starts,
        // and the tenant's reactor with its store on the tenant's next request
      }
    }
  }

  private synchronized void storeOpened(TenantRecord tenant, FactumStore store) {
    tenantOf.put(store, tenant);
    if (!closed && !byStore.containsKey(store) && hasDefinitions(store)) {
      byStore.put(store, starter.apply(store));
    }
  }

  private static boolean hasDefinitions(FactumStore store) {
    return !store.records().list(SerializedReactions.DEFINITIONS).isEmpty();
  }

  private void storeClosing(FactumStore store) {
    SerializedReactions stopped;
    synchronized (this) {
      tenantOf.remove(store);
      stopped = byStore.remove(store);
    }
    if (stopped != null) {
      stopped.close(); // outside the lock: it waits for the reactor's thread
      retire(stopped);
    }
  }

  private synchronized void retire(SerializedReactions stopped) {
    retiredExecuted += stopped.executed();
    retiredFailed += stopped.failed();
  }

  private void unmark(String location) {
    markers.unmark(location);
  }

  /** The reactor of {@code store}, to read or manage its reactions; started if it was not. */
  synchronized SerializedReactions of(FactumStore store) {
    pruneStopped();
    SerializedReactions reactor = byStore.get(store);
    if (reactor == null) {
      if (closed || store.isStopped()) {
        throw new StoreClosedException("the store is closed");
      }
      reactor = starter.apply(store);
      byStore.put(store, reactor);
    }
    return reactor;
  }

  /**
   * The reactor of {@code store}, about to be given a definition: a tenant's store is marked first,
   * so a restart opens it again.
   */
  SerializedReactions forDefinitions(FactumStore store) {
    TenantRecord tenant;
    synchronized (this) {
      tenant = tenantOf.get(store);
    }
    if (tenant != null) {
      markers.mark(tenant);
    }
    return of(store);
  }

  /** Reactions executed since this server started, by every reactor. */
  synchronized long executed() {
    long sum = retiredExecuted;
    for (SerializedReactions reactor : byStore.values()) {
      sum += reactor.executed();
    }
    return sum;
  }

  /** Reactions that failed for good since this server started, by every reactor. */
  synchronized long failed() {
    long sum = retiredFailed;
    for (SerializedReactions reactor : byStore.values()) {
      sum += reactor.failed();
    }
    return sum;
  }

  /** Reactions due (ready or ongoing) at each reactor's last round, summed. */
  synchronized long due() {
    long sum = 0;
    for (SerializedReactions reactor : byStore.values()) {
      sum += reactor.due();
    }
    return sum;
  }

  /** How many reactors run (the root store's and the tenants' stores' with definitions). */
  synchronized int running() {
    pruneStopped();
    return byStore.size();
  }

  /**
   * Forgets the reactors of stores closed without their closing being heard (one started by a
   * request in the moment between a store's closing and its close): their threads end on the closed
   * store by themselves.
   */
  private void pruneStopped() {
    byStore
        .entrySet()
        .removeIf(
            entry -> {
              if (entry.getKey() == root || !entry.getKey().isStopped()) {
                return false;
              }
              entry.getValue().close();
              retire(entry.getValue());
              return true;
            });
  }

  @Override
  public void close() {
    List<SerializedReactions> all;
    synchronized (this) {
      closed = true;
      all = new ArrayList<>(byStore.values());
    }
    for (SerializedReactions reactor : all) {
      reactor.close();
    }
  }
}
