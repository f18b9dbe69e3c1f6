package dev.factum.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.api.FactumException;
import dev.factum.engine.FactumStore;
import dev.factum.engine.RecordWrite;
import dev.factum.engine.spi.StoreRecord;
import dev.factum.wire.WireJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Which process forwards a sink when several Factum servers share one storage (PostgreSQL): the
 * holder of the sink's lease, a store record (namespace {@value #NAMESPACE}, key = the sink's name,
 * value = holder and expiry) taken and renewed with compare-and-set through the single writer.
 *
 * <p>Design note: exactly-once does not rest on the lease. Two processes forwarding one sink stay
 * correct, because each {@code initTransactions} fences the other's producer (docs/KAFKA.md); they
 * only keep fencing each other in turn. The lease stops that: a process forwards only while it
 * holds a lease that is free, expired or already its own when taken, renewed every third of its
 * duration; a renewal that fails (taken over, the storage unreachable) stops forwarding at once.
 * Expiry is wall-clock time, so clocks that disagree by more than a lease's duration can let two
 * processes forward for a while, which costs only the fencing again. A storage only one process can
 * open (RocksDB) needs no lease: it is always held and no record is written.
 */
final class SinkLease {
  static final String NAMESPACE = "sink-leases";

  private final FactumStore store;
  private final String sink;
  private final String holder;
  private final Duration duration;
  private final LongSupplier wallMillis;
  private long takenAtNanos;
  private boolean held;

  SinkLease(
      FactumStore store, String sink, String holder, Duration duration, LongSupplier wallMillis) {
    this.store = store;
    this.sink = sink;
    this.holder = holder;
    this.duration = duration;
    this.wallMillis = wallMillis;
  }

  /** How long a process that does not hold the lease waits before it tries again. */
  Duration retryInterval() {
    return duration.dividedBy(3);
  }

  /** Takes or renews the lease; false when another process holds it (or the storage refused). */
  synchronized boolean acquire() {
    if (!store.isShared()) {
      held = true;
      return true;
    }
    long now = wallMillis.getAsLong();
    try {
      StoreRecord current = store.records().read(NAMESPACE, sink);
      long expected = RecordWrite.ABSENT;
      if (current != null) {
        JsonNode lease = WireJson.mapper().readTree(current.value());
        boolean ours = holder.equals(lease.path("holder").asText());
        if (!ours && lease.path("expires").asLong() > now) {
          held = false;
          return false;
        }
        expected = current.version();
      }
      ObjectNode value = WireJson.mapper().createObjectNode();
      value.put("holder", holder);
      value.put("expires", now + duration.toMillis());
      store
          .records()
          .write(
              List.of(
                  RecordWrite.put(
                      NAMESPACE, sink, WireJson.mapper().writeValueAsBytes(value), expected)));
      takenAtNanos = System.nanoTime();
      held = true;
      return true;
    } catch (FactumException e) {
      held = false; // a race lost (record-conflict) or the storage unreachable: not ours now
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("sink lease of '" + sink + "' is not readable", e);
    }
  }

  /** Renews the lease when a third of its duration has passed; false when it is lost. */
  synchronized boolean renewIfDue() {
    if (!store.isShared()) {
      return true;
    }
    if (held && System.nanoTime() - takenAtNanos < retryInterval().toNanos()) {
      return true;
    }
    return acquire();
  }

  /** Gives the lease up (on a clean stop), so another process takes over at once. */
  synchronized void release() {
    if (!store.isShared() || !held) {
      return;
    }
    held = false;
    try {
      StoreRecord current = store.records().read(NAMESPACE, sink);
      if (current != null
          && holder.equals(WireJson.mapper().readTree(current.value()).path("holder").asText())) {
        store.records().write(List.of(RecordWrite.delete(NAMESPACE, sink, current.version())));
      }
    } catch (FactumException | IOException e) {
      // expires by itself
    }
  }
}
