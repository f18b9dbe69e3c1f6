package dev.factum.server;

import dev.factum.api.RecordConflictException;
import dev.factum.engine.FactumStore;
import dev.factum.engine.RecordWrite;
import dev.factum.engine.spi.StoreRecord;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Which server's schedule may start scavenging runs of a store: a lease in the store's own records,
 * so that servers sharing one PostgreSQL database do not all scavenge it at once
 * (docs/LIFECYCLE.md, "The schedule").
 *
 * <p>What must stay true: at most one server holds a store's lease at a time. Taking or renewing it
 * is one compare-and-set write of the record (its version as read), checked by the single writer
 * under the storage's commit lock, which is the one lock every server sharing the storage commits
 * under; a server that loses the race hears {@link RecordConflictException} and starts nothing. The
 * holder renews at each of its ticks; another server takes it only once it expired (its holder
 * missed two ticks: stopped or cut off).
 *
 * <p>The record, namespace {@value #NAMESPACE}, key {@value #KEY}:
 *
 * <pre>
 *  | format (1) = 1 | holder: UUID (16) | held until: epoch ms (8) |
 * </pre>
 *
 * A record of another format or length is treated as expired (taken over), never trusted.
 */
final class ScavengeLease {
  static final String NAMESPACE = "server.scavenge-schedule";
  static final String KEY = "lease";
  private static final byte FORMAT = 1;
  private static final int LENGTH = 1 + 16 + 8;

  private final UUID holder;

  ScavengeLease(UUID holder) {
    this.holder = holder;
  }

  UUID holder() {
    return holder;
  }

  /**
   * Takes or renews the lease of {@code store} until {@code now + term}; false when another server
   * holds it (unexpired) or took it first.
   */
  boolean acquire(FactumStore store, Instant now, Duration term) {
    StoreRecord record = store.records().read(NAMESPACE, KEY);
    long expected = RecordWrite.ABSENT;
    if (record != null) {
      ByteBuffer value = ByteBuffer.wrap(record.value());
      boolean readable = record.value().length == LENGTH && value.get() == FORMAT;
      if (readable) {
        UUID current = new UUID(value.getLong(), value.getLong());
        long until = value.getLong();
        if (!current.equals(holder) && until > now.toEpochMilli()) {
          return false;
        }
      }
      expected = record.version();
    }
    ByteBuffer value = ByteBuffer.allocate(LENGTH);
    value.put(FORMAT);
    value.putLong(holder.getMostSignificantBits()).putLong(holder.getLeastSignificantBits());
    value.putLong(now.plus(term).toEpochMilli());
    try {
      store.records().write(List.of(RecordWrite.put(NAMESPACE, KEY, value.array(), expected)));
      return true;
    } catch (RecordConflictException anotherServerWasFirst) {
      return false;
    }
  }
}
