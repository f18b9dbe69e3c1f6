package dev.factum.engine;

import dev.factum.engine.spi.RecordKey;
import java.util.Objects;

/**
 * One change to a store record that a write command asks for: a put ({@code value} not null) or a
 * delete ({@code value} null), optionally conditional on the record's current version.
 *
 * @param expectedVersion {@link #ANY}, {@link #ABSENT} (the key holds no record), or the exact
 *     current version; checked by the writer when it stages the command, against what is committed
 *     and staged before it, so the check is exact even across servers sharing one storage
 */
public record RecordWrite(RecordKey key, byte[] value, long expectedVersion) {
  /** No condition. */
  public static final long ANY = -1;

  /** The key must hold no record. */
  public static final long ABSENT = 0;

  public RecordWrite {
    Objects.requireNonNull(key, "key");
    if (expectedVersion < ANY) {
      throw new IllegalArgumentException("expected version " + expectedVersion);
    }
  }

  public static RecordWrite put(String namespace, String key, byte[] value, long expectedVersion) {
    return new RecordWrite(
        new RecordKey(namespace, key), Objects.requireNonNull(value, "value"), expectedVersion);
  }

  public static RecordWrite delete(String namespace, String key, long expectedVersion) {
    return new RecordWrite(new RecordKey(namespace, key), null, expectedVersion);
  }

  public boolean isDelete() {
    return value == null;
  }
}
