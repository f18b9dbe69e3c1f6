package dev.factum.engine;

import dev.factum.api.InvalidArgumentException;
import dev.factum.api.Limits;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Tuning of a store, validated in one place when the store opens.
 *
 * @param limits what a request may contain
 * @param maxQueuedCommands appends and deletes waiting for the writer; beyond it callers get {@link
 *     dev.factum.api.OverloadedException}
 * @param maxQueuedBytes event bytes waiting for the writer; beyond it callers get overloaded
 * @param maxBatchEvents events the writer gathers into one commit (one append is never split)
 * @param maxBatchBytes event bytes the writer gathers into one commit
 * @param headCacheEntries stream heads the writer keeps in memory
 * @param subscriptionPageSize events a subscription reads from storage at a time: its memory bound
 * @param groupLease on a storage shared by several processes, how long a consumer-group partition's
 *     lease lasts unrenewed (renewed every quarter of it): a process that dies loses its partitions
 *     after about this long, and a group created elsewhere is seen within a quarter of it; 100 ms
 *     to 10 minutes, 10 s by default
 * @param clock the wall clock: it stamps new events' commit timestamps and is "now" for a stream's
 *     {@code maxAge} (docs/LIFECYCLE.md); the system clock but in tests, which set their own
 * @param masterKey the operator's master key, which data subjects' keys are encrypted under
 *     (crypto-shredding, docs/LIFECYCLE.md); null (the default) for none: events naming a subject
 *     are then refused, and a store that holds subject keys refuses to open
 */
public record StoreOptions(
    Limits limits,
    int maxQueuedCommands,
    long maxQueuedBytes,
    int maxBatchEvents,
    long maxBatchBytes,
    int headCacheEntries,
    int subscriptionPageSize,
    Duration groupLease,
    Clock clock,
    MasterKey masterKey) {

  public static final StoreOptions DEFAULT =
      new StoreOptions(
          Limits.DEFAULT,
          16_384,
          256L << 20,
          16_384,
          8L << 20,
          100_000,
          512,
          Duration.ofSeconds(10),
          Clock.systemUTC(),
          null);

  public StoreOptions {
    if (limits == null
        || maxQueuedCommands < 1
        || maxQueuedBytes < limits.maxAppendBytes()
        || maxBatchEvents < 1
        || maxBatchBytes < 1
        || headCacheEntries < 1
        || subscriptionPageSize < 1
        || groupLease == null
        || groupLease.compareTo(Duration.ofMillis(100)) < 0
        || groupLease.compareTo(Duration.ofMinutes(10)) > 0
        || clock == null) {
      throw new InvalidArgumentException(
          "invalid store options: every bound must be positive, the queue must hold at least"
              + " one largest append, and the group lease must be 100 ms to 10 minutes");
    }
  }

  public StoreOptions withLimits(Limits newLimits) {
    return edit(e -> e.limits = newLimits);
  }

  public StoreOptions withQueue(int commands, long bytes) {
    return edit(
        e -> {
          e.maxQueuedCommands = commands;
          e.maxQueuedBytes = bytes;
        });
  }

  public StoreOptions withSubscriptionPageSize(int pageSize) {
    return edit(e -> e.subscriptionPageSize = pageSize);
  }

  public StoreOptions withGroupLease(Duration lease) {
    return edit(e -> e.groupLease = lease);
  }

  /** These options with {@code newClock} as the store's wall clock (see {@link #clock}). */
  public StoreOptions withClock(Clock newClock) {
    return edit(e -> e.clock = newClock);
  }

  /** These options with {@code key} as the master key (null: none; see {@link #masterKey}). */
  public StoreOptions withMasterKey(MasterKey key) {
    return edit(e -> e.masterKey = key);
  }

  /** A copy of these options with {@code change} applied, validated as any options are. */
  private StoreOptions edit(Consumer<Editor> change) {
    Editor editor = new Editor(this);
    change.accept(editor);
    return editor.options();
  }

  /**
   * The fields of a {@link StoreOptions} being edited: the one place that copies every field, so a
   * with-method names only what it changes, and a new setting is added here once.
   */
  private static final class Editor {
    Limits limits;
    int maxQueuedCommands;
    long maxQueuedBytes;
    int maxBatchEvents;
    long maxBatchBytes;
    int headCacheEntries;
    int subscriptionPageSize;
    Duration groupLease;
    Clock clock;
    MasterKey masterKey;

    Editor(StoreOptions from) {
      limits = from.limits;
      maxQueuedCommands = from.maxQueuedCommands;
      maxQueuedBytes = from.maxQueuedBytes;
      maxBatchEvents = from.maxBatchEvents;
      maxBatchBytes = from.maxBatchBytes;
      headCacheEntries = from.headCacheEntries;
      subscriptionPageSize = from.subscriptionPageSize;
      groupLease = from.groupLease;
      clock = from.clock;
      masterKey = from.masterKey;
    }

    StoreOptions options() {
      return new StoreOptions(
          limits,
          maxQueuedCommands,
          maxQueuedBytes,
          maxBatchEvents,
          maxBatchBytes,
          headCacheEntries,
          subscriptionPageSize,
          groupLease,
          clock,
          masterKey);
    }
  }
}
