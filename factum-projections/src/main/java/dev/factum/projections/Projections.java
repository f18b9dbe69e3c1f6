package dev.factum.projections;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.api.GroupExistsException;
import dev.factum.api.GroupNotFoundException;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LogFilter;
import dev.factum.api.RecordConflictException;
import dev.factum.api.groups.GroupDefinition;
import dev.factum.api.groups.GroupSettings;
import dev.factum.api.groups.GroupSource;
import dev.factum.api.groups.GroupStatus;
import dev.factum.engine.FactumStore;
import dev.factum.engine.RecordWrite;
import dev.factum.engine.StoreRecords;
import dev.factum.engine.spi.StoreRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The declarative projections of one store: their definitions, one runner per definition, and the
 * queries of their documents (see "Projections" in docs/SERIALIZED.md).
 *
 * <p>Layout, all in store records: the definitions in namespace {@value #DEFINITIONS} (key: the
 * name; value: the definition, its generation, and the generations still to be removed); a
 * generation's documents in {@code projection.<name>.<generation>} (key: the projection id; an
 * aggregated projection's one document has the projection's name as id); its consumer group {@code
 * $projection-<name>-<generation>}, reading the feed's category from the start of the log.
 *
 * <p>What must stay true, and why:
 *
 * <ul>
 *   <li>A changed (or reset) definition gets a new generation: a fresh group from the start of the
 *       log and a fresh namespace, so its state is built from scratch and never mixes with the old;
 *       queries read the current generation only, so the old state is invisible at once.
 *   <li>No generation leaks: the definition record names the generations to remove before they are
 *       removed (group, then documents), and the removal is finished at the next start if a crash
 *       cut it short; a deleted definition is a tombstone until its removal is done.
 *   <li>Definition changes are serialized by this object's lock and each record write expects the
 *       version read, so two servers sharing a storage cannot both win a change.
 * </ul>
 */
public final class Projections implements AutoCloseable {
  public static final String DEFINITIONS = "projections.definitions";
  static final GroupSettings SETTINGS =
      GroupSettings.DEFAULT
          .withMaxInFlight(ProjectionRunner.MAX_BATCH)
          .withAckTimeout(Duration.ofSeconds(30));
  private static final int DELETE_CHUNK = StoreRecords.MAX_WRITES;

  private final FactumStore store;
  private final Map<String, Live> live = new ConcurrentHashMap<>();
  private final Object changes = new Object();
  private long commits;

  /**
   * A running definition; {@code target} is the log's head when its runner started, {@code
   * caughtUp} latches once the checkpoint has passed it (rebuilding, then live).
   */
  private record Live(
      ProjectionDefinition definition,
      long generation,
      ProjectionRunner runner,
      long target,
      AtomicBoolean caughtUp) {}

  /** A definition record as stored. */
  private record Stored(
      long version,
      ProjectionDefinition definition,
      long generation,
      boolean deleted,
      List<Long> retired) {}

  private Projections(FactumStore store) {
    this.store = store;
  }

  /** Starts the runners of every definition of {@code store} (finishing interrupted removals). */
  public static Projections start(FactumStore store) {
    Projections projections = new Projections(store);
    projections.resume();
    return projections;
  }

  private synchronized void resume() {
    for (StoreRecord record : store.records().list(DEFINITIONS)) {
      Stored stored = decode(record);
      String name = record.key();
      for (long generation : stored.retired()) {
        remove(name, generation);
      }
      if (stored.deleted()) {
        store.records().write(List.of(RecordWrite.delete(DEFINITIONS, name, stored.version())));
        continue;
      }
      if (!stored.retired().isEmpty()) {
        writeRecord(name, stored.definition(), stored.generation(), List.of(), stored.version());
      }
      run(stored.definition(), stored.generation());
    }
  }

  /** Creates a definition; {@link RecordConflictException} when one of that name exists. */
  public synchronized void create(ProjectionDefinition definition) {
    definition.checked();
    Stored stored = read(definition.name());
    if (stored != null && !stored.deleted()) {
      throw new RecordConflictException("projection definition '" + definition.name() + "' exists");
    }
    if (stored != null) {
      finishRemoval(definition.name(), stored);
    }
    writeRecord(definition.name(), definition, 1, List.of(), RecordWrite.ABSENT);
    run(definition, 1);
  }

  /**
   * Creates or replaces a definition. An equal definition changes nothing; a different one starts a
   * new generation, rebuilt from the log. Returns whether anything changed.
   */
  public synchronized boolean createOrUpdate(ProjectionDefinition definition) {
    definition.checked();
    Stored stored = read(definition.name());
    if (stored == null || stored.deleted()) {
      create(definition);
      return true;
    }
    if (stored.definition().equals(definition)) {
      return false;
    }
    regenerate(definition, stored);
    return true;
  }

  /** Deletes every document of a projection and rebuilds it from the log; false if undefined. */
  public synchronized boolean reset(String name) {
    Stored stored = read(name);
    if (stored == null || stored.deleted()) {
      return false;
    }
    regenerate(stored.definition(), stored);
    return true;
  }

  private void regenerate(ProjectionDefinition definition, Stored stored) {
    long next = stored.generation() + 1;
    List<Long> retired = new ArrayList<>(stored.retired());
    retired.add(stored.generation());
    long version = writeRecord(definition.name(), definition, next, retired, stored.version());
    stopRunner(definition.name());
    run(definition, next);
    for (long generation : retired) {
      remove(definition.name(), generation);
    }
    writeRecord(definition.name(), definition, next, List.of(), version);
  }

  /** Deletes a definition and its documents; false if there was none. */
  public synchronized boolean delete(String name) {
    Stored stored = read(name);
    if (stored == null || stored.deleted()) {
      return false;
    }
    List<Long> retired = new ArrayList<>(stored.retired());
    retired.add(stored.generation());
    long version = writeTombstone(name, stored.generation(), retired, stored.version());
    stopRunner(name);
    finishRemoval(name, new Stored(version, null, stored.generation(), true, retired));
    return true;
  }

  private void finishRemoval(String name, Stored tombstone) {
    for (long generation : tombstone.retired()) {
      remove(name, generation);
    }
    store.records().write(List.of(RecordWrite.delete(DEFINITIONS, name, tombstone.version())));
  }

  public Optional<ProjectionDefinition> definition(String name) {
    Live running = live.get(name);
    return running == null ? Optional.empty() : Optional.of(running.definition());
  }

  /** Every definition, by name. */
  public List<ProjectionDefinition> definitions() {
    return live.values().stream()
        .map(Live::definition)
        .sorted((a, b) -> a.name().compareTo(b.name()))
        .toList();
  }

  public Optional<ProjectionStatus> status(String name) {
    Live running = live.get(name);
    if (running == null) {
      return Optional.empty();
    }
    GroupStatus group = store.consumerGroups().status(running.runner().group());
    if (group.checkpoint() > running.target()) {
      running.caughtUp().set(true);
    }
    return Optional.of(
        new ProjectionStatus(
            name,
            running.generation(),
            group.checkpoint(),
            group.lag(),
            running.caughtUp().get()
                ? ProjectionStatus.State.LIVE
                : ProjectionStatus.State.REBUILDING,
            running.runner().applied(),
            group.parked(),
            running.runner().lastError()));
  }

  /**
   * Waits up to {@code wait} until the projection has applied every event of the log at or below
   * {@code position} (e.g. the position an append returned): a query after it sees that append's
   * effect (read-your-writes). False when it has not in time, or the projection does not exist.
   */
  public boolean awaitProcessed(String name, long position, Duration wait) {
    Live running = live.get(name);
    if (running == null) {
      return false;
    }
    try {
      return store.consumerGroups().awaitProcessed(running.runner().group(), position, wait);
    } catch (GroupNotFoundException replaced) {
      return false;
    }
  }

  /** How many documents a projection has (with {@code reference}, when not null). */
  public long count(String name, String reference) {
    return list(name, ProjectionQuery.count(reference)).total();
  }

  /** The status of every projection, by name. */
  public List<ProjectionStatus> statuses() {
    List<ProjectionStatus> all = new ArrayList<>();
    for (ProjectionDefinition definition : definitions()) {
      status(definition.name()).ifPresent(all::add);
    }
    return all;
  }

  /**
   * One document of a projection (the aggregated one: id = the projection's name); empty when the
   * projection or the document does not exist.
   */
  public Optional<ProjectionDocument> document(String name, String id) {
    Live running = live.get(name);
    if (running == null || ProjectionRunner.validId(id) == null) {
      return Optional.empty();
    }
    StoreRecord record = store.records().read(namespace(name, running.generation()), id);
    return record == null
        ? Optional.empty()
        : Optional.of(ProjectionDocument.decode(record.value()));
  }

  /** As {@link #document}, waiting up to {@code wait} for the document to be created. */
  public Optional<ProjectionDocument> awaitDocument(String name, String id, Duration wait)
      throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      long seen;
      synchronized (changes) {
        seen = commits;
      }
      Optional<ProjectionDocument> found = document(name, id);
      long left = deadline - System.nanoTime();
      if (found.isPresent() || left <= 0 || !live.containsKey(name)) {
        return found;
      }
      synchronized (changes) {
        while (commits == seen && left > 0) {
          changes.wait(Math.max(1, left / 1_000_000));
          left = deadline - System.nanoTime();
        }
      }
    }
  }

  /** A page of a projection's documents; empty (total 0) when the projection does not exist. */
  public ProjectionPage list(String name, ProjectionQuery query) {
    Live running = live.get(name);
    if (running == null) {
      return new ProjectionPage(List.of(), false, 0);
    }
    List<ProjectionDocument> all = new ArrayList<>();
    for (StoreRecord record : store.records().list(namespace(name, running.generation()))) {
      all.add(ProjectionDocument.decode(record.value()));
    }
    return DocumentQuery.run(all, query, running.definition().indexedFields());
  }

  /** Stops the runners (the definitions and their state stay). */
  @Override
  public synchronized void close() {
    for (String name : List.copyOf(live.keySet())) {
      stopRunner(name);
    }
  }

  static String group(String name, long generation) {
    return "$projection-" + name + "-" + generation;
  }

  static String namespace(String name, long generation) {
    return "projection." + name + "." + generation;
  }

  private void run(ProjectionDefinition definition, long generation) {
    String group = group(definition.name(), generation);
    try {
      store
          .consumerGroups()
          .create(
              GroupDefinition.of(
                      group, GroupSource.filtered(LogFilter.categories(definition.feedName())))
                  .with(SETTINGS));
    } catch (GroupExistsException resumed) {
      // the generation ran before this start: it continues from its checkpoint
    }
    ProjectionRunner runner =
        new ProjectionRunner(
            store, definition, group, namespace(definition.name(), generation), this::committed);
    live.put(
        definition.name(),
        new Live(definition, generation, runner, store.headPosition(), new AtomicBoolean()));
    runner.start();
  }

  private void committed() {
    synchronized (changes) {
      commits++;
      changes.notifyAll();
    }
  }

  private void stopRunner(String name) {
    Live running = live.remove(name);
    if (running == null) {
      return;
    }
    try {
      running.runner().stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Removes a generation: its group, then its documents. */
  private void remove(String name, long generation) {
    try {
      store.consumerGroups().delete(group(name, generation));
    } catch (GroupNotFoundException gone) {
      // removed before
    }
    String namespace = namespace(name, generation);
    while (true) {
      List<StoreRecord> left = store.records().list(namespace);
      if (left.isEmpty()) {
        return;
      }
      List<RecordWrite> deletes = new ArrayList<>();
      for (StoreRecord record : left.subList(0, Math.min(DELETE_CHUNK, left.size()))) {
        deletes.add(RecordWrite.delete(namespace, record.key(), RecordWrite.ANY));
      }
      store.records().write(deletes);
    }
  }

  private Stored read(String name) {
    ProjectionDefinition.checkName(name, "projectionName");
    StoreRecord record = store.records().read(DEFINITIONS, name);
    return record == null ? null : decode(record);
  }

  private static Stored decode(StoreRecord record) {
    try {
      JsonNode node = DefinitionJson.JSON.readTree(record.value());
      List<Long> retired = new ArrayList<>();
      node.path("retired").forEach(g -> retired.add(g.longValue()));
      boolean deleted = node.path("deleted").booleanValue();
      return new Stored(
          record.version(),
          deleted ? null : DefinitionJson.parse(node.get("definition")),
          node.get("generation").longValue(),
          deleted,
          retired);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InvalidArgumentException e) {
      throw new IllegalStateException("stored projection definition " + record.key(), e);
    }
  }

  private long writeRecord(
      String name,
      ProjectionDefinition definition,
      long generation,
      List<Long> retired,
      long expected) {
    ObjectNode node = DefinitionJson.JSON.createObjectNode();
    node.put("generation", generation);
    node.set("definition", DefinitionJson.write(definition));
    ArrayNode list = node.putArray("retired");
    retired.forEach(list::add);
    return put(name, node, expected);
  }

  private long writeTombstone(String name, long generation, List<Long> retired, long expected) {
    ObjectNode node = DefinitionJson.JSON.createObjectNode();
    node.put("generation", generation);
    node.put("deleted", true);
    ArrayNode list = node.putArray("retired");
    retired.forEach(list::add);
    return put(name, node, expected);
  }

  private long put(String name, ObjectNode node, long expected) {
    try {
      byte[] value = DefinitionJson.JSON.writeValueAsBytes(node);
      return store
          .records()
          .write(List.of(RecordWrite.put(DEFINITIONS, name, value, expected)))
          .getFirst();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
