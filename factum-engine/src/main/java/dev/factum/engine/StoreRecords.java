package dev.factum.engine;

import dev.factum.api.InvalidArgumentException;
import dev.factum.api.Limits;
import dev.factum.engine.spi.Storage;
import dev.factum.engine.spi.StoreRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * The store records of one store: a small durable key-value space beside the log, written only by
 * the single writer, as part of a commit batch (see "Store records" in docs/ARCHITECTURE.md).
 *
 * <p>Design note: this is the one mechanism the engine's durable features keep their state in
 * (consumer groups today; stream metadata, sinks and compatibility mappings later), so that their
 * state commits atomically with events when it must, survives a crash exactly like the log, and is
 * checked under the same commit lock as expected revisions when several servers share one storage.
 * Namespaces starting with {@value #RESERVED_PREFIX} belong to the engine's own features and cannot
 * be written through {@link #write}.
 *
 * <p>What it deliberately is not: a general database. Values are small (at most {@value
 * #MAX_VALUE_BYTES} bytes), a namespace is read whole, and there are no secondary indexes.
 */
public final class StoreRecords {
  /** Namespaces the engine's own features use; {@link #write} refuses them. */
  public static final String RESERVED_PREFIX = "factum.";

  public static final int MAX_VALUE_BYTES = 64 * 1024;
  public static final int MAX_WRITES = 10_000;

  /**
   * Record namespaces and keys are checked against the default name limits, not the store's own:
   * they name the state of features (groups, sinks, projections), whose names must not depend on
   * how short an operator made stream names.
   */
  private static final RequestValidator NAMES = new RequestValidator(Limits.DEFAULT);

  private final Storage storage;
  private final StorageGuard guard;
  private final AppendPipeline pipeline;

  StoreRecords(Storage storage, StorageGuard guard, AppendPipeline pipeline) {
    this.storage = storage;
    this.guard = guard;
    this.pipeline = pipeline;
  }

  /** The committed record, or null when the key holds none. */
  public StoreRecord read(String namespace, String key) {
    checkKey(namespace, key);
    return guard.read(() -> storage.readRecord(namespace, key));
  }

  /** Every committed record of {@code namespace}, in key order. */
  public List<StoreRecord> list(String namespace) {
    NAMES.checkName("record namespace", namespace);
    return guard.read(() -> storage.readRecords(namespace));
  }

  /** As {@link #read}, for the engine's own namespaces. */
  StoreRecord readAny(String namespace, String key) {
    return guard.read(() -> storage.readRecord(namespace, key));
  }

  /** As {@link #list}, for the engine's own namespaces. */
  List<StoreRecord> listAny(String namespace) {
    return guard.read(() -> storage.readRecords(namespace));
  }

  /**
   * Commits the writes atomically, each checked against its expected version (a {@link
   * dev.factum.api.RecordConflictException} writes none of them), and returns the new versions (0
   * for a delete), in order. Refuses the engine's own namespaces.
   */
  public List<Long> write(List<RecordWrite> writes) {
    List<RecordWrite> copy = checked(writes);
    for (RecordWrite write : copy) {
      if (write.key().namespace().startsWith(RESERVED_PREFIX)) {
        throw new InvalidArgumentException(
            "record namespace '"
                + write.key().namespace()
                + "' is reserved for Factum's own features (prefix "
                + RESERVED_PREFIX
                + ")");
      }
    }
    @SuppressWarnings("unchecked")
    List<Long> versions = (List<Long>) join(() -> submit(copy, RecordGuard.NONE));
    return versions;
  }

  /** For the engine's features: any namespace, with a guard checked by the writer. */
  CompletableFuture<Object> submit(List<RecordWrite> writes, RecordGuard recordGuard) {
    List<RecordWrite> copy = checked(writes);
    CompletableFuture<Object> future = new CompletableFuture<>();
    pipeline.submit(new WriteCommand.Records(copy, recordGuard, future));
    return future;
  }

  /** Validates the writes' shape and returns an unmodifiable copy. */
  List<RecordWrite> checked(List<RecordWrite> writes) {
    if (writes == null || writes.isEmpty()) {
      throw new InvalidArgumentException("a record write needs at least one record");
    }
    if (writes.size() > MAX_WRITES) {
      throw new InvalidArgumentException(
          "a record write holds " + writes.size() + " records; the limit is " + MAX_WRITES);
    }
    List<RecordWrite> copy = Collections.unmodifiableList(new ArrayList<>(writes));
    for (RecordWrite write : copy) {
      if (write == null) {
        throw new InvalidArgumentException("a record write is missing");
      }
      checkKey(write.key().namespace(), write.key().key());
      if (!write.isDelete() && write.value().length > MAX_VALUE_BYTES) {
        throw new InvalidArgumentException(
            "record value is " + write.value().length + " bytes; the limit is " + MAX_VALUE_BYTES);
      }
    }
    return copy;
  }

  private void checkKey(String namespace, String key) {
    NAMES.checkName("record namespace", namespace);
    NAMES.checkName("record key", key);
  }

  static Object join(Supplier<CompletableFuture<Object>> submit) {
    try {
      return submit.get().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }
}
