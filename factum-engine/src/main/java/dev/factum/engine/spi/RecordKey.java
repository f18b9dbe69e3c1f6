package dev.factum.engine.spi;

import java.util.Objects;

/** Where a {@link StoreRecord} lives: its namespace and its key inside it. */
public record RecordKey(String namespace, String key) implements Comparable<RecordKey> {
  public RecordKey {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(key, "key");
  }

  @Override
  public int compareTo(RecordKey other) {
    // A batch's keys mostly share one namespace instance (a group's): equals sees that at once.
    int byNamespace = namespace.equals(other.namespace) ? 0 : namespace.compareTo(other.namespace);
    return byNamespace != 0 ? byNamespace : key.compareTo(other.key);
  }
}
