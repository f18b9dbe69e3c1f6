package dev.factum.engine;

import dev.factum.api.InvalidArgumentException;
import dev.factum.api.Limits;

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
 */
public record StoreOptions(
    Limits limits,
    int maxQueuedCommands,
    long maxQueuedBytes,
    int maxBatchEvents,
    long maxBatchBytes,
    int headCacheEntries,
    int subscriptionPageSize) {

  public static final StoreOptions DEFAULT =
      new StoreOptions(Limits.DEFAULT, 16_384, 256L << 20, 16_384, 8L << 20, 100_000, 512);

  public StoreOptions {
    if (limits == null
        || maxQueuedCommands < 1
        || maxQueuedBytes < limits.maxAppendBytes()
        || maxBatchEvents < 1
        || maxBatchBytes < 1
        || headCacheEntries < 1
        || subscriptionPageSize < 1) {
      throw new InvalidArgumentException(
          "invalid store options: every bound must be positive, and the queue must hold at least"
              + " one largest append");
    }
  }

  public StoreOptions withLimits(Limits newLimits) {
    return new StoreOptions(
        newLimits,
        maxQueuedCommands,
        maxQueuedBytes,
        maxBatchEvents,
        maxBatchBytes,
        headCacheEntries,
        subscriptionPageSize);
  }

  public StoreOptions withQueue(int commands, long bytes) {
    return new StoreOptions(
        limits,
        commands,
        bytes,
        maxBatchEvents,
        maxBatchBytes,
        headCacheEntries,
        subscriptionPageSize);
  }

  public StoreOptions withSubscriptionPageSize(int pageSize) {
    return new StoreOptions(
        limits,
        maxQueuedCommands,
        maxQueuedBytes,
        maxBatchEvents,
        maxBatchBytes,
        headCacheEntries,
        pageSize);
  }
}
