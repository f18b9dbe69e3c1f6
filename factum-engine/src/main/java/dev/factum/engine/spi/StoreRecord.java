package dev.factum.engine.spi;

import java.util.Arrays;
import java.util.Objects;

/**
 * One store record: a small durable value under (namespace, key), kept by the store beside its log.
 * Records hold what the engine's own features must remember durably (consumer-group definitions,
 * checkpoints, parked events) and are written only by the single writer, as part of a {@link
 * CommitBatch}, so one commit can carry events and records atomically.
 *
 * <p>What must stay true: {@code version} is 1 for a record's first write and grows by one with
 * every write of that key (a batch carrying several writes of a key stores the last, so a storage
 * sees its version grow, by one or more), so a writer can make a write conditional on the version
 * it read (compare-and-set, checked by the writer under the storage's commit lock). A deleted
 * record is gone: writing the key again starts at version 1 (so features that delete and re-create
 * a key keep an incarnation of their own in the value when they need one).
 *
 * @param namespace which feature owns the record, e.g. {@code factum.groups}
 * @param key the record's key inside its namespace; records of a namespace read in key order
 * @param version 1 and up
 * @param value the record's bytes, as the owning feature encodes them
 */
public record StoreRecord(String namespace, String key, long version, byte[] value) {
  public StoreRecord {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    if (version < 1) {
      throw new IllegalArgumentException("a record's version starts at 1: " + version);
    }
  }

  public RecordKey id() {
    return new RecordKey(namespace, key);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof StoreRecord r
        && namespace.equals(r.namespace)
        && key.equals(r.key)
        && version == r.version
        && Arrays.equals(value, r.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(namespace, key, version, Arrays.hashCode(value));
  }

  @Override
  public String toString() {
    return namespace + "/" + key + "@" + version + " (" + value.length + " bytes)";
  }
}
