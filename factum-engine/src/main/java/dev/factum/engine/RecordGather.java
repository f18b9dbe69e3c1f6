package dev.factum.engine;

import java.util.Objects;
import java.util.function.LongFunction;

/**
 * A share of one store record that every command of a batch carrying a gather of the same kind
 * ({@code namespace} and {@code prefix}) writes together: the writer opens the record at the first
 * such command of the batch, under the key {@code keyAt} names after that command's first event
 * position, with {@code head} as the start of its value, and appends each command's {@code element}
 * to it. So eight ack-appends of one group that the writer commits together write one record, not
 * eight (what that saves: docs/BENCHMARKS.md, "Consumer groups: one done record per commit").
 *
 * <p>What must stay true: the key is new. It is named after a position this batch assigns, and a
 * position is never assigned to two durable batches (a batch that was not written gives its
 * positions back, one whose outcome is unknown is followed by a resync past whatever landed), so
 * the record is put at version 1 without a read. Only an append that commits events gathers (an
 * exact retry commits nothing, so it adds nothing), and a command's element is added only when the
 * whole command is staged. {@code stagedAs} hears the key on the writer thread when the element is
 * staged (before the batch is durable: the batch may still fail, and then the record may or may not
 * have landed), so the feature can find its share again after an unknown outcome. Used only when
 * this process is the sole writer of the storage.
 */
record RecordGather(
    String namespace,
    String prefix,
    LongFunction<String> keyAt,
    byte[] head,
    byte[] element,
    StagedAs stagedAs) {

  /** Told the key the element was staged under. */
  @FunctionalInterface
  interface StagedAs {
    void staged(String key);
  }

  RecordGather {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(keyAt, "keyAt");
    Objects.requireNonNull(head, "head");
    Objects.requireNonNull(element, "element");
    Objects.requireNonNull(stagedAs, "stagedAs");
    if (!namespace.startsWith(StoreRecords.RESERVED_PREFIX)) {
      throw new IllegalArgumentException("a gathered record is one of the engine's own");
    }
  }

  /** The kind of record the element goes into: one per kind per batch. */
  String kind() {
    return namespace + '\u0000' + prefix;
  }
}
