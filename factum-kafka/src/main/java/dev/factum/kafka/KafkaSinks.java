package dev.factum.kafka;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.RecordConflictException;
import dev.factum.engine.FactumStore;
import dev.factum.engine.RecordWrite;
import dev.factum.engine.spi.StoreRecord;
import dev.factum.wire.WireJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The sinks of one store: their definitions, kept durably as store records (namespace {@value
 * #NAMESPACE}, key = the sink name, value = {@code {"incarnation": uuid, "definition": {..}}}), and
 * one {@link SinkRunner} thread per sink while the store is open.
 *
 * <p>Design note: a sink's definition lives in Factum (so it survives restarts and is managed like
 * the rest of the store), its position lives in Kafka, committed in the same transaction as the
 * events it forwarded (docs/KAFKA.md explains why that is what makes forwarding exactly once). The
 * incarnation, chosen at creation, keeps a re-created sink of the same name from resuming at its
 * predecessor's checkpoint.
 *
 * <p>What must stay true: every change of a definition is a compare-and-set on its record, so two
 * administrators cannot both create one name or lose each other's pause; a runner is stopped before
 * its sink's record is deleted. Appends never wait for a sink.
 */
public final class KafkaSinks implements AutoCloseable {
  /** The store-record namespace of sink definitions. */
  public static final String NAMESPACE = "sinks";

  /** How long a sink's lease lasts unrenewed, on a storage several servers share. */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(10);

  private final FactumStore store;
  private final Duration lease;
  private final String processId = UUID.randomUUID().toString();
  private final Map<String, SinkRunner> runners = new LinkedHashMap<>();
  private boolean closed;

  private KafkaSinks(FactumStore store, Duration lease) {
    this.store = store;
    this.lease = lease;
  }

  /** Starts every sink defined in {@code store}. */
  public static KafkaSinks start(FactumStore store) {
    return start(store, DEFAULT_LEASE);
  }

  /**
   * As {@link #start(FactumStore)}; on a storage several servers share, each sink is forwarded by
   * the one process holding its lease of {@code lease} (the others wait as {@code standby}).
   */
  public static KafkaSinks start(FactumStore store, Duration lease) {
    if (lease == null || lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("a sink lease must be positive: " + lease);
    }
    KafkaSinks sinks = new KafkaSinks(store, lease);
    for (StoreRecord record : store.records().list(NAMESPACE)) {
      Stored stored = Stored.decode(record.value());
      sinks.launch(stored);
    }
    return sinks;
  }

  /** Defines a sink and starts it (paused, if the definition says so). */
  public synchronized SinkStatus create(SinkDefinition definition) {
    checkOpen();
    Stored stored = new Stored(UUID.randomUUID().toString(), definition);
    try {
      store
          .records()
          .write(
              List.of(
                  RecordWrite.put(
                      NAMESPACE, definition.name(), stored.encode(), RecordWrite.ABSENT)));
    } catch (RecordConflictException e) {
      throw new RecordConflictException("a sink named '" + definition.name() + "' exists", e);
    }
    return launch(stored).status();
  }

  /** Every sink, in name order. */
  public synchronized List<SinkStatus> list() {
    List<SinkStatus> statuses = new ArrayList<>();
    for (StoreRecord record : store.records().list(NAMESPACE)) {
      SinkRunner runner = runners.get(record.key());
      if (runner != null) {
        statuses.add(runner.status());
      }
    }
    return statuses;
  }

  public synchronized SinkStatus status(String name) {
    return runner(name).status();
  }

  /** Stops forwarding after the transaction under way; durable (a restart stays paused). */
  public synchronized SinkStatus pause(String name) {
    return setPaused(name, true);
  }

  public synchronized SinkStatus resume(String name) {
    return setPaused(name, false);
  }

  /**
   * Stops the sink and deletes its definition. What it forwarded stays in Kafka, and so do its
   * checkpoint topic and transactional id (a sink created later under the same name starts over).
   */
  public synchronized void delete(String name) throws InterruptedException {
    SinkRunner runner = runner(name);
    runner.stop();
    runners.remove(name);
    store.records().write(List.of(RecordWrite.delete(NAMESPACE, name, RecordWrite.ANY)));
  }

  /** Stops every runner (the definitions stay). */
  @Override
  public synchronized void close() {
    closed = true;
    InterruptedException interrupted = null;
    for (SinkRunner runner : runners.values()) {
      try {
        runner.stop();
      } catch (InterruptedException e) {
        interrupted = e;
      }
    }
    runners.clear();
    if (interrupted != null) {
      Thread.currentThread().interrupt();
    }
  }

  private SinkStatus setPaused(String name, boolean paused) {
    SinkRunner runner = runner(name);
    StoreRecord record = store.records().read(NAMESPACE, name);
    if (record == null) {
      throw new InvalidArgumentException("no sink named '" + name + "'");
    }
    Stored stored = Stored.decode(record.value());
    Stored changed = new Stored(stored.incarnation(), stored.definition().withPaused(paused));
    store
        .records()
        .write(List.of(RecordWrite.put(NAMESPACE, name, changed.encode(), record.version())));
    runner.update(changed.definition());
    return runner.status();
  }

  private SinkRunner runner(String name) {
    checkOpen();
    SinkRunner runner = runners.get(name);
    if (runner == null) {
      throw new InvalidArgumentException("no sink named '" + name + "'");
    }
    return runner;
  }

  private SinkRunner launch(Stored stored) {
    SinkRunner runner =
        new SinkRunner(
            store,
            stored.definition(),
            stored.incarnation(),
            new SinkLease(
                store, stored.definition().name(), processId, lease, System::currentTimeMillis));
    runners.put(stored.definition().name(), runner);
    runner.start();
    return runner;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the sinks are closed");
    }
  }

  /** A definition as stored, with the incarnation the sink's checkpoints carry. */
  private record Stored(String incarnation, SinkDefinition definition) {
    byte[] encode() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (JsonGenerator json = WireJson.factory().createGenerator(out)) {
        json.writeStartObject();
        json.writeStringField("incarnation", incarnation);
        json.writeFieldName("definition");
        SinkJson.write(json, definition);
        json.writeEndObject();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toByteArray();
    }

    static Stored decode(byte[] bytes) {
      try {
        JsonNode root = WireJson.mapper().readTree(bytes);
        return new Stored(root.path("incarnation").asText(), SinkJson.read(root.get("definition")));
      } catch (IOException e) {
        throw new UncheckedIOException("a stored sink definition is not JSON", e);
      }
    }
  }
}
