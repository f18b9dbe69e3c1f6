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

  /**
   * A put without a condition that the writer need not read the key for, in the engine's own
   * namespaces only ({@link StoreRecords#RESERVED_PREFIX}): for records that the feature writing
   * them knows to be absent and whose versions nobody reads (a consumer group's {@code done/P}
   * records, written once by the partition's only owner and then deleted). When this process is the
   * sole writer of the storage, the put gets the version of the record staged or remembered by the
   * writer plus one, else 1, without a storage read; on a shared storage it is an {@link #ANY} put.
   */
  static final long UNREAD = -2;

  public RecordWrite {
    Objects.requireNonNull(key, "key");
    boolean unread =
        expectedVersion == UNREAD
            && value != null
            && key.namespace().startsWith(StoreRecords.RESERVED_PREFIX);
    if (expectedVersion < ANY && !unread) {
      throw new IllegalArgumentException("expected version " + expectedVersion);
    }
  }

  /** A put {@link #UNREAD}: no condition, no storage read by the sole writer. */
  static RecordWrite putUnread(String namespace, String key, byte[] value) {
    return new RecordWrite(
        new RecordKey(namespace, key), Objects.requireNonNull(value, "value"), UNREAD);
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
