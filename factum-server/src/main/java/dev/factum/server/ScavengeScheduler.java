package dev.factum.server;

import dev.factum.api.FactumException;
import dev.factum.engine.FactumStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Automatic scavenging (docs/LIFECYCLE.md, "The schedule"): every {@link ScavengeSchedule#every},
 * starts a run on the root store and on every tenant's store this server has open, where none is
 * running.
 *
 * <p>Design note: it lives in the server, not the engine, because the server is what knows every
 * store a process serves (the root and the tenants' it opened) and holds the operator's settings;
 * the engine's {@link FactumStore#startScavenge} stays the one mechanism, which an embedding
 * application can call from its own scheduler. One thread ticks for all stores.
 *
 * <p>What must stay true: a run in progress is never restarted or doubled (a store whose run is
 * running is left alone, and {@code startScavenge} answers a running run anyway); a store whose
 * storage cannot scavenge is skipped without error; across servers sharing a storage, only the
 * holder of the store's {@link ScavengeLease} starts runs (term: two intervals, renewed each tick);
 * one store failing does not keep the others from their runs, and never stops the schedule. Closing
 * stops the ticks; a run already started goes on with its store (which stops it when it closes).
 */
final class ScavengeScheduler implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ScavengeScheduler.class.getName());

  private final ScavengeSchedule schedule;
  private final FactumStore root;
  private final Supplier<List<FactumStore>> tenantStores;
  private final Clock clock;
  private final ScavengeLease lease = new ScavengeLease(UUID.randomUUID());
  private final AtomicLong runsStarted = new AtomicLong();
  private final ScheduledExecutorService ticks;
  private volatile Instant nextRunAt;
  private ScheduledFuture<?> ticking;

  private ScavengeScheduler(
      ScavengeSchedule schedule,
      FactumStore root,
      Supplier<List<FactumStore>> tenantStores,
      Clock clock) {
    this.schedule = schedule;
    this.root = root;
    this.tenantStores = tenantStores;
    this.clock = clock;
    if (!schedule.enabled()) {
      this.ticks = null;
      return;
    }
    this.ticks =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "factum-scavenge-schedule");
              thread.setDaemon(true);
              return thread;
            });
  }

  private void begin() {
    long periodMillis = Math.max(1, schedule.every().toMillis());
    nextRunAt = clock.instant().plusMillis(periodMillis);
    ticking =
        ticks.scheduleWithFixedDelay(this::tick, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
  }

  /** Starts ticking per {@code schedule} (nothing when it is {@link ScavengeSchedule#OFF}). */
  static ScavengeScheduler start(
      ScavengeSchedule schedule,
      FactumStore root,
      Supplier<List<FactumStore>> tenantStores,
      Clock clock) {
    ScavengeScheduler scheduler = new ScavengeScheduler(schedule, root, tenantStores, clock);
    if (schedule.enabled()) {
      scheduler.begin();
    }
    return scheduler;
  }

  ScavengeSchedule schedule() {
    return schedule;
  }

  /** When the next tick is due; null without a schedule. */
  Instant nextRunAt() {
    return nextRunAt;
  }

  /** Runs the schedule started, over all stores, since the server started. */
  long runsStarted() {
    return runsStarted.get();
  }

  /** One tick: every store gets its chance; failures are logged, never thrown. */
  void tick() {
    nextRunAt = clock.instant().plus(schedule.every());
    List<FactumStore> stores = new ArrayList<>();
    stores.add(root);
    stores.addAll(tenantStores.get());
    for (FactumStore store : stores) {
      try {
        startIfDue(store);
      } catch (FactumException e) {
        // a tenant's store closed meanwhile, a storage error: the next tick tries again
        LOG.log(Level.FINE, "scheduled scavenging run not started", e);
      } catch (RuntimeException e) {
        // never out of the task: an exception would cancel every later tick
        LOG.log(Level.WARNING, "scheduled scavenging run failed to start", e);
      }
    }
  }

  private void startIfDue(FactumStore store) {
    if (store.isStopped() || !store.canScavenge() || store.scavengeStatus().isRunning()) {
      return;
    }
    if (!lease.acquire(store, clock.instant(), schedule.every().multipliedBy(2))) {
      return; // another server's schedule has this store
    }
    if (store.scavengeStatus().isRunning()) {
      return;
    }
    store.startScavenge(schedule.eventsPerSecond());
    runsStarted.incrementAndGet();
  }

  /** The lease holder's id (tests compare two servers'). */
  UUID holder() {
    return lease.holder();
  }

  @Override
  public void close() {
    if (ticks != null) {
      if (ticking != null) {
        ticking.cancel(true);
      }
      ticks.shutdownNow();
      try {
        ticks.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
