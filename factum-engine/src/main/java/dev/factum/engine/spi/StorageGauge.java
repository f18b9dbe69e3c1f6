package dev.factum.engine.spi;

import java.util.function.DoubleSupplier;

/**
 * One named number a storage reports about itself (disk used, memtable size, pool connections),
 * read when metrics are scraped. The storage knows nothing of how it is exposed: the server turns
 * each into a metric named {@code factum_storage_<name>_<unit>} (dots become underscores), so the
 * dependency points from the server to the engine, never from a storage to the server.
 *
 * <p>The value must be cheap to read, must not block on I/O that can hang (a database query), and
 * may be {@code NaN} when unknown (the storage is closed).
 *
 * @param name dotted lower-case name, e.g. {@code rocksdb.memtable}
 * @param description one line for the metric's help
 * @param unit base unit ({@code bytes}), or null for a plain count
 * @param value reads the current value
 */
public record StorageGauge(String name, String description, String unit, DoubleSupplier value) {
  public StorageGauge {
    if (name == null || !name.matches("[a-z][a-z0-9]*(\\.[a-z0-9]+)*")) {
      throw new IllegalArgumentException("a gauge name is dotted lower case, was " + name);
    }
  }
}
