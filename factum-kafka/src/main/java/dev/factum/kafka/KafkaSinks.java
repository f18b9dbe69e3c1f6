package dev.factum.kafka;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.RecordConflictException;
import dev.factum.engine.FactumStore;
import dev.factum.engine.RecordRunners;
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
import java.util.Optional;
import java.util.Set;
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
 * <p>Several servers on one storage: each runs a runner per sink (the lease picks the one that
 * forwards), and each follows the definitions the others change every {@link #FOLLOW_INTERVAL}
 * ({@link RecordRunners}): a pause or resume is applied to the running runner; any other change, or
 * a new incarnation, restarts the runner, which then recovers from its checkpoint.
 *
 * <p>What must stay true: every change of a definition is a compare-and-set on its record, so two
 * administrators cannot both create one name or lose each other's pause; a runner is stopped before
 * its sink's record is deleted here, and within one follow interval (plus the transaction under
 * way) on the other servers. Appends never wait for a sink.
 */
public final class KafkaSinks implements AutoCloseable {
  /** The store-record namespace of sink definitions. */
  public static final String NAMESPACE = "sinks";

  /** How long a sink's lease lasts unrenewed, on a storage several servers share. */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(10);

  private final FactumStore store;
  private final Duration lease;
  private final String processId = UUID.randomUUID().toString();

  /** How often a server over a shared storage looks for definitions other servers changed. */
  static final Duration FOLLOW_INTERVAL = Duration.ofSeconds(1);

  private final RecordRunners<Stored, SinkRunner> runners;

  private KafkaSinks(FactumStore store, Duration lease) {
    this.store = store;
    this.lease = lease;
    this.runners = new RecordRunners<>(store, NAMESPACE, "sink", this, new Definitions());
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
    return start(store, lease, FOLLOW_INTERVAL);
  }

  /** As {@link #start(FactumStore, Duration)}, following other servers every {@code interval}. */
  static KafkaSinks start(FactumStore store, Duration lease, Duration interval) {
    if (lease == null || lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("a sink lease must be positive: " + lease);
    }
    KafkaSinks sinks = new KafkaSinks(store, lease);
    sinks.runners.open(interval);
    return sinks;
  }

  /** What {@link #declare} did to each sink, by name. */
  public record Declared(
      List<String> created, List<String> updated, List<String> unchanged, List<String> deleted) {}

  /**
   * Makes the store's sink definitions match {@code definitions} (a definitions file, {@code factum
   * serve --sinks}), before the sinks start: a missing sink is created, one that differs is changed
   * to match (keeping its incarnation, and so its checkpoint: it forwards on from where it was,
   * unless {@code transactional.id} changed, which names another checkpoint topic), and with {@code
   * prune} a sink the file does not name is deleted; without it, it is left alone. Servers already
   * running on a shared storage follow the change within {@link #FOLLOW_INTERVAL}.
   */
  public static Declared declare(
      FactumStore store, List<SinkDefinition> definitions, boolean prune) {
    Map<String, StoreRecord> existing = new LinkedHashMap<>();
    for (StoreRecord record : store.records().list(NAMESPACE)) {
      existing.put(record.key(), record);
    }
    List<String> created = new ArrayList<>();
    List<String> updated = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    List<String> deleted = new ArrayList<>();
    for (SinkDefinition definition : definitions) {
      StoreRecord record = existing.remove(definition.name());
      if (record == null) {
        Stored stored = new Stored(UUID.randomUUID().toString(), definition);
        store
            .records()
            .write(
                List.of(
                    RecordWrite.put(
                        NAMESPACE, definition.name(), stored.encode(), RecordWrite.ABSENT)));
        created.add(definition.name());
        continue;
      }
      Stored stored = Stored.decode(record.value());
      if (stored.definition().equals(definition)) {
        unchanged.add(definition.name());
        continue;
      }
      Stored changed = new Stored(stored.incarnation(), definition);
      store
          .records()
          .write(
              List.of(
                  RecordWrite.put(
                      NAMESPACE, definition.name(), changed.encode(), record.version())));
      updated.add(definition.name());
    }
    if (prune) {
      for (StoreRecord record : existing.values()) {
        store
            .records()
            .write(List.of(RecordWrite.delete(NAMESPACE, record.key(), record.version())));
        deleted.add(record.key());
      }
    }
    return new Declared(created, updated, unchanged, deleted);
  }

  /** The names of every defined sink, in name order. */
  public synchronized List<String> names() {
    return store.records().list(NAMESPACE).stream().map(StoreRecord::key).toList();
  }

  /** Defines a sink and starts it (paused, if the definition says so). */
  public synchronized SinkStatus create(SinkDefinition definition) {
    runners.checkOpen();
    Stored stored = new Stored(UUID.randomUUID().toString(), definition);
    long version;
    try {
      version =
          store
              .records()
              .write(
                  List.of(
                      RecordWrite.put(
                          NAMESPACE, definition.name(), stored.encode(), RecordWrite.ABSENT)))
              .getFirst();
    } catch (RecordConflictException e) {
      throw new RecordConflictException("a sink named '" + definition.name() + "' exists", e);
    }
    return runners.launch(definition.name(), stored, version).status();
  }

  /** Every sink, in name order. */
  public synchronized List<SinkStatus> list() {
    return runners.list().stream().map(SinkRunner::status).toList();
  }

  public synchronized SinkStatus status(String name) {
    return runners.runner(name).status();
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
    runners.stop(name);
    store.records().write(List.of(RecordWrite.delete(NAMESPACE, name, RecordWrite.ANY)));
  }

  /** Stops every runner (the definitions stay). */
  @Override
  public void close() {
    runners.close();
  }

  private SinkStatus setPaused(String name, boolean paused) {
    runners.runner(name); // no sink of that name: refused before anything is written
    StoreRecord record = store.records().read(NAMESPACE, name);
    if (record == null) {
      throw new InvalidArgumentException("no sink named '" + name + "'");
    }
    Stored stored = Stored.decode(record.value());
    Stored changed = new Stored(stored.incarnation(), stored.definition().withPaused(paused));
    long version =
        store
            .records()
            .write(List.of(RecordWrite.put(NAMESPACE, name, changed.encode(), record.version())))
            .getFirst();
    runners.reconcile(name, changed, version);
    return runners.runner(name).status();
  }

  /** The sinks this process runs a runner for (forwarding or standby). */
  Set<String> running() {
    return runners.names();
  }

  /** How a stored definition runs: a pause or resume in place, anything else on a new runner. */
  private final class Definitions implements RecordRunners.Definitions<Stored, SinkRunner> {
    @Override
    public Optional<Stored> decode(StoreRecord record) {
      return Optional.of(Stored.decode(record.value()));
    }

    @Override
    public boolean update(SinkRunner runner, Stored running, Stored wanted) {
      if (!running.incarnation().equals(wanted.incarnation())
          || !running
              .definition()
              .withPaused(false)
              .equals(wanted.definition().withPaused(false))) {
        return false;
      }
      runner.update(wanted.definition());
      return true;
    }

    @Override
    public SinkRunner create(String name, Stored wanted) {
      return new SinkRunner(
          store,
          wanted.definition(),
          wanted.incarnation(),
          new SinkLease(store, name, processId, lease, System::currentTimeMillis));
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
