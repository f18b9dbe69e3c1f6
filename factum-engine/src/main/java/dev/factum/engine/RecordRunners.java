package dev.factum.engine;

import dev.factum.api.InvalidArgumentException;
import dev.factum.engine.spi.StoreRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The background runners of one store-record namespace, one per record, by the record's key: what
 * Kafka sinks and webhooks both keep while their store is open (start, update in place, restart,
 * stop, list).
 *
 * <p>Design note: store records have no change feed, so on a storage several servers share this
 * lists the namespace every follow interval and reconciles: a record without a runner is launched,
 * a runner whose record is gone is stopped, a record whose version moved is applied in place when
 * the owner says it can be (a pause or resume) and otherwise restarts the runner. A storage only
 * one process opens (RocksDB) sees every change through the owner, so nothing follows it. What a
 * record means (how it decodes, which change a runner can take in place, how a runner is made) is
 * the owner's, through {@link Definitions}.
 *
 * <p>What must stay true: at most one runner per name. Launching under a name that already has a
 * runner (a name deleted on another server and made again here before the follower saw it) stops
 * the old runner first, so two never deliver side by side. Every change is made under the owner's
 * lock, the one the follower takes too, so an owner's record write and the runner change that goes
 * with it are one step to the follower. The owner's callbacks must not wait for anything that the
 * owner's lock guards on another thread.
 *
 * @param <V> what a record holds, decoded
 * @param <R> the runner
 */
public final class RecordRunners<V, R extends RecordRunners.Runner> implements AutoCloseable {
  /** A background runner: started once, stopped once. */
  public interface Runner {
    void start();

    /** Stops the runner and waits for it. */
    void stop() throws InterruptedException;
  }

  /** What the owner knows of its records and runners. */
  public interface Definitions<V, R> {
    /** The record decoded, or empty when it cannot run yet (the next pass looks again). */
    Optional<V> decode(StoreRecord record);

    /**
     * Applies {@code wanted} to {@code runner}, which runs {@code running}, in place, when that is
     * all the change needs; false when it needs a new runner.
     */
    boolean update(R runner, V running, V wanted);

    /** A new runner of {@code wanted}, not started. */
    R create(String name, V wanted);
  }

  private record Launched<V, R>(R runner, V value, long version) {}

  private final FactumStore store;
  private final String namespace;
  private final String kind;
  private final Object lock;
  private final Definitions<V, R> definitions;

  /** The runners, and the record value and version each was launched or last updated from. */
  private final Map<String, Launched<V, R>> launched = new LinkedHashMap<>();

  private ScheduledExecutorService follower;
  private boolean closed;

  /**
   * Runners of the records of {@code namespace}; {@code kind} names one in messages ("sink": "no
   * sink named 'x'"), {@code lock} is the owner's lock, which guards every change here.
   */
  public RecordRunners(
      FactumStore store,
      String namespace,
      String kind,
      Object lock,
      Definitions<V, R> definitions) {
    this.store = store;
    this.namespace = namespace;
    this.kind = kind;
    this.lock = lock;
    this.definitions = definitions;
  }

  /**
   * Launches a runner for every record, and on a shared storage follows what other servers change
   * every {@code followInterval}.
   */
  public void open(Duration followInterval) {
    follow();
    if (!store.isShared()) {
      return;
    }
    ScheduledExecutorService executor =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "factum-" + kind + "s-follower");
              thread.setDaemon(true);
              return thread;
            });
    synchronized (lock) {
      follower = executor;
    }
    var unused =
        executor.scheduleWithFixedDelay(
            this::followQuietly,
            followInterval.toMillis(),
            followInterval.toMillis(),
            TimeUnit.MILLISECONDS);
  }

  /** Brings the runners in line with the records: what other servers changed since last time. */
  public void follow() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      Set<String> defined = new HashSet<>();
      for (StoreRecord record : store.records().list(namespace)) {
        defined.add(record.key());
        Launched<V, R> known = launched.get(record.key());
        if (known == null || known.version() != record.version()) {
          Optional<V> wanted = definitions.decode(record);
          if (wanted.isPresent()) {
            reconcile(record.key(), wanted.get(), record.version());
          }
        }
      }
      for (String name : List.copyOf(launched.keySet())) {
        if (!defined.contains(name)) {
          stopQuietly(name);
        }
      }
    }
  }

  /** One pass of the follower; a failure (the storage unreachable) waits for the next pass. */
  private void followQuietly() {
    try {
      follow();
    } catch (RuntimeException e) {
      // The next pass tries again; the runners keep running meanwhile.
    }
  }

  /**
   * Makes the runner of {@code name} run {@code wanted}, as of record {@code version}: in place
   * when the owner can apply it, else with a new runner.
   */
  public void reconcile(String name, V wanted, long version) {
    synchronized (lock) {
      Launched<V, R> known = launched.get(name);
      if (known != null && definitions.update(known.runner(), known.value(), wanted)) {
        launched.put(name, new Launched<>(known.runner(), wanted, version));
        return;
      }
      launch(name, wanted, version);
    }
  }

  /** Starts a runner of {@code wanted} under {@code name}, stopping the one there first. */
  public R launch(String name, V wanted, long version) {
    synchronized (lock) {
      if (launched.containsKey(name)) {
        stopQuietly(name);
      }
      R runner = definitions.create(name, wanted);
      launched.put(name, new Launched<>(runner, wanted, version));
      runner.start();
      return runner;
    }
  }

  /**
   * The runner of {@code name}; on a shared storage, one made on another server since the last pass
   * is launched first.
   *
   * @throws InvalidArgumentException when there is none
   */
  public R runner(String name) {
    synchronized (lock) {
      checkOpen();
      Launched<V, R> known = launched.get(name);
      if (known == null && store.isShared()) {
        follow();
        known = launched.get(name);
      }
      if (known == null) {
        throw new InvalidArgumentException("no " + kind + " named '" + name + "'");
      }
      return known.runner();
    }
  }

  /** Whether a runner of {@code name} runs here (on a shared storage, after a pass if not). */
  public boolean has(String name) {
    synchronized (lock) {
      if (!launched.containsKey(name) && store.isShared()) {
        follow();
      }
      return launched.containsKey(name);
    }
  }

  /** The runners of the records there are, in the records' (name) order. */
  public List<R> list() {
    synchronized (lock) {
      List<R> runners = new ArrayList<>();
      for (StoreRecord record : store.records().list(namespace)) {
        Launched<V, R> known = launched.get(record.key());
        if (known != null) {
          runners.add(known.runner());
        }
      }
      return runners;
    }
  }

  /** The names this process runs a runner for. */
  public Set<String> names() {
    synchronized (lock) {
      return Set.copyOf(launched.keySet());
    }
  }

  /**
   * Stops the runner of {@code name} and forgets it (the record is the owner's to delete).
   *
   * @throws InvalidArgumentException when there is none
   */
  public void stop(String name) throws InterruptedException {
    synchronized (lock) {
      R runner = runner(name);
      runner.stop();
      launched.remove(name);
    }
  }

  /** Throws {@link IllegalStateException} once closed. */
  public void checkOpen() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("the " + kind + "s are closed");
      }
    }
  }

  /** Stops the follower and every runner (the records stay). */
  @Override
  public void close() {
    ScheduledExecutorService executor;
    synchronized (lock) {
      executor = follower;
    }
    if (executor != null) {
      executor.shutdownNow();
      try {
        executor.awaitTermination(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (lock) {
      closed = true;
      boolean interrupted = false;
      for (Launched<V, R> known : launched.values()) {
        try {
          known.runner().stop();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      launched.clear();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void stopQuietly(String name) {
    Launched<V, R> known = launched.remove(name);
    try {
      known.runner().stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
