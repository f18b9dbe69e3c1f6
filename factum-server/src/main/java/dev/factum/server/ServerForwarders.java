package dev.factum.server;

import dev.factum.api.FactumException;
import dev.factum.api.StoreClosedException;
import dev.factum.engine.FactumStore;
import dev.factum.kafka.KafkaSinks;
import dev.factum.kafka.SinkStatus;
import dev.factum.webhooks.WebhookStatus;
import dev.factum.webhooks.Webhooks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The Kafka sinks and webhooks of every store this server serves: one {@link Forwarding} (a {@link
 * KafkaSinks} and a {@link Webhooks}) for the root store, and one for each open tenant's store that
 * has definitions, so a tenant's sinks and webhooks are its own and forward only its own log
 * (docs/KAFKA.md and docs/WEBHOOKS.md, "Tenants").
 *
 * <p>Design note. A tenant's forwarding runs while its store is open and has (or is given) a
 * definition: it starts when {@link TenantStores} opens a store whose {@code sinks} or {@code
 * webhooks} records are not empty, or when an admin of the tenant first manages them, and it stops
 * before the store closes (the tenant deleted, here or through another server, or the server
 * stopping). Tenants' stores open lazily, so before a tenant's first definition is written the
 * tenant is marked in the root store ({@link TenantMarkers}, namespace {@value #MARKERS}); at
 * start-up the stores of marked live tenants are opened, and on a storage several servers share
 * (PostgreSQL) a follower looks at the markers every {@link #FOLLOW_INTERVAL} and opens those it
 * has not, so a tenant's first sink made on one server runs (by lease, as the root store's do) on
 * the others too. From there each store's {@link KafkaSinks} follows its own definitions.
 *
 * <p>What must stay true: a store is only ever forwarded by the {@link Forwarding} made for it, and
 * a request only reaches the one of its key's store ({@link AuthorizedStore#forwarding}); at most
 * one forwarding per store; none outlives its store; a marker is durable before the definition it
 * stands for. The metrics name each row's tenant ({@code ""} for the root store).
 */
final class ServerForwarders implements AutoCloseable {
  static final String MARKERS = "forwarding.tenants";

  /** How often a server over a shared storage looks for tenants newly given forwarders. */
  static final Duration FOLLOW_INTERVAL = Duration.ofSeconds(1);

  /**
   * The sinks and webhooks of one store, and the tenant it belongs to ({@code ""}: the root), with
   * the tenant's location (name and incarnation id), which scopes its sinks' transactional ids.
   */
  record Forwarding(String tenant, String location, KafkaSinks sinks, Webhooks webhooks)
      implements AutoCloseable {
    static Forwarding start(TenantRecord tenant, FactumStore store) {
      Webhooks webhooks = Webhooks.start(store);
      try {
        return new Forwarding(
            tenant == null ? "" : tenant.name(),
            tenant == null ? "" : tenant.location(),
            KafkaSinks.start(store),
            webhooks);
      } catch (RuntimeException e) {
        webhooks.close();
        throw e;
      }
    }

    @Override
    public void close() {
      try {
        webhooks.close();
      } finally {
        sinks.close();
      }
    }
  }

  /** A row of a metric: a status and the tenant of its store. */
  record Labelled<T>(String tenant, T status) {}

  private final FactumStore root;
  private final TenantMarkers markers;
  private final IdentityHashMap<FactumStore, Forwarding> byStore = new IdentityHashMap<>();
  private final IdentityHashMap<FactumStore, TenantRecord> tenantOf = new IdentityHashMap<>();
  private ScheduledExecutorService follower;
  private boolean closed;

  ServerForwarders(FactumStore root) {
    this.root = root;
    this.markers = new TenantMarkers(root, MARKERS);
    byStore.put(root, Forwarding.start(null, root));
  }

  /**
   * Follows the tenants' stores of {@code tenants}, opens those of the tenants marked as having
   * forwarders and, on a shared storage, keeps looking for newly marked ones.
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
              markers.unmark(location);
            }
          }
        });
    openMarked(tenants, true);
    if (root.isShared()) {
      ScheduledExecutorService executor =
          Executors.newSingleThreadScheduledExecutor(
              task -> {
                Thread thread = new Thread(task, "factum-tenant-forwarders-follower");
                thread.setDaemon(true);
                return thread;
              });
      synchronized (this) {
        follower = executor;
      }
      var unused =
          executor.scheduleWithFixedDelay(
              () -> openMarked(tenants, false),
              FOLLOW_INTERVAL.toMillis(),
              FOLLOW_INTERVAL.toMillis(),
              TimeUnit.MILLISECONDS);
    }
  }

  /** Opens (and so starts the forwarders of) every marked live tenant's store not yet forwarded. */
  private void openMarked(TenantStores tenants, boolean deleteStale) {
    List<TenantRecord> marked;
    try {
      marked = markers.live(tenants.registry(), deleteStale);
    } catch (FactumException e) {
      return; // the storage unreachable or closing: the next pass tries again
    }
    for (TenantRecord tenant : marked) {
      try {
        FactumStore store = tenants.openStoreOf(tenant);
        ensure(tenant, store);
      } catch (FactumException | IllegalStateException e) {
        // no tenant storage on this start, the store cannot open, or it closed meanwhile: the
        // tenant's forwarders start with its store on its next request or pass
      }
    }
  }

  private synchronized void storeOpened(TenantRecord tenant, FactumStore store) {
    tenantOf.put(store, tenant);
    if (!closed && !byStore.containsKey(store) && hasDefinitions(store)) {
      byStore.put(store, Forwarding.start(tenant, store));
    }
  }

  /** Starts the forwarding of an open, marked tenant's store if it has none (the follower's). */
  private synchronized void ensure(TenantRecord tenant, FactumStore store) {
    tenantOf.putIfAbsent(store, tenant);
    if (!closed && !store.isStopped() && !byStore.containsKey(store)) {
      byStore.put(store, Forwarding.start(tenant, store));
    }
  }

  private static boolean hasDefinitions(FactumStore store) {
    return !store.records().list(KafkaSinks.NAMESPACE).isEmpty()
        || !store.records().list(Webhooks.NAMESPACE).isEmpty();
  }

  private void storeClosing(FactumStore store) {
    Forwarding stopped;
    synchronized (this) {
      tenantOf.remove(store);
      stopped = byStore.remove(store);
    }
    if (stopped != null) {
      stopped.close(); // outside the lock: it waits for the runners' threads
    }
  }

  /**
   * The forwarding of {@code store} (the caller's, from {@link AuthorizedStore#forwarding}),
   * started if it was not. With {@code forDefinitions} (about to create one) a tenant's store is
   * marked first, so a restart, or another server, starts it again.
   */
  Forwarding of(FactumStore store, boolean forDefinitions) {
    TenantRecord tenant;
    synchronized (this) {
      tenant = tenantOf.get(store);
    }
    if (forDefinitions && tenant != null) {
      markers.mark(tenant);
    }
    synchronized (this) {
      pruneStopped();
      Forwarding forwarding = byStore.get(store);
      if (forwarding == null) {
        if (closed || store.isStopped()) {
          throw new StoreClosedException("the store is closed");
        }
        forwarding = Forwarding.start(tenant, store);
        byStore.put(store, forwarding);
      }
      return forwarding;
    }
  }

  /** Every sink's status with its store's tenant, for the metrics. */
  List<Labelled<SinkStatus>> sinkStatuses() {
    List<Labelled<SinkStatus>> rows = new ArrayList<>();
    for (Forwarding forwarding : forwardings()) {
      try {
        for (SinkStatus status : forwarding.sinks().list()) {
          rows.add(new Labelled<>(forwarding.tenant(), status));
        }
      } catch (FactumException | IllegalStateException closed) {
        // its store closed meanwhile: no rows
      }
    }
    return rows;
  }

  /** Every webhook's status with its store's tenant, for the metrics. */
  List<Labelled<WebhookStatus>> webhookStatuses() {
    List<Labelled<WebhookStatus>> rows = new ArrayList<>();
    for (Forwarding forwarding : forwardings()) {
      try {
        for (WebhookStatus status : forwarding.webhooks().list()) {
          rows.add(new Labelled<>(forwarding.tenant(), status));
        }
      } catch (FactumException | IllegalStateException closed) {
        // its store closed meanwhile: no rows
      }
    }
    return rows;
  }

  /** The forwardings running now, the root store's first. */
  private synchronized List<Forwarding> forwardings() {
    pruneStopped();
    List<Forwarding> all = new ArrayList<>();
    Forwarding ofRoot = byStore.get(root);
    if (ofRoot != null) {
      all.add(ofRoot); // absent once closed
    }
    for (Map.Entry<FactumStore, Forwarding> entry : byStore.entrySet()) {
      if (entry.getKey() != root) {
        all.add(entry.getValue());
      }
    }
    return all;
  }

  /** How many stores are forwarded here (the root store's and the tenants' with definitions). */
  synchronized int running() {
    pruneStopped();
    return byStore.size();
  }

  /**
   * Forgets the forwardings of stores closed without their closing being heard (one started by a
   * request in the moment between a store's closing and its close), stopping their runners.
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
              return true;
            });
  }

  @Override
  public void close() {
    List<Forwarding> all;
    ScheduledExecutorService executor;
    synchronized (this) {
      closed = true;
      executor = follower;
      all = new ArrayList<>(byStore.values());
      byStore.clear();
    }
    if (executor != null) {
      executor.shutdownNow();
      try {
        executor.awaitTermination(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (Forwarding forwarding : all) {
      forwarding.close();
    }
  }
}
