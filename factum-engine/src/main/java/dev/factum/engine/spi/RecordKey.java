package dev.factum.engine.spi;

import java.util.Objects;

/** Where a {@link StoreRecord} lives: its namespace and its key inside it. */
public record RecordKey(String namespace, String key) implements Comparable<RecordKey> {
  public RecordKey {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(key, "key");
  }

  // equals and hashCode written out: the writer hashes and compares record keys in several maps per
  // record of every commit, and a profile of ack-append windows showed the record's generated
  // (method-handle) versions on the writer thread. Same contract: both components, by value.
  @Override
  public boolean equals(Object other) {
    return this == other
        || (other instanceof RecordKey that
            && key.equals(that.key)
            && namespace.equals(that.namespace));
  }

  @Override
  public int hashCode() {
    return 31 * namespace.hashCode() + key.hashCode();
  }

  @Override
  public int compareTo(RecordKey other) {
    // A batch's keys mostly share one namespace instance (a group's): equals sees that at once.
    int byNamespace = namespace.equals(other.namespace) ? 0 : namespace.compareTo(other.namespace);
    return byNamespace != 0 ? byNamespace : key.compareTo(other.key);
  }
}
