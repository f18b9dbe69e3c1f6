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
    int byNamespace = namespace.compareTo(other.namespace);
    return byNamespace != 0 ? byNamespace : key.compareTo(other.key);
  }
}
