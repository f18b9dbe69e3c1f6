package dev.factum.projections;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.api.FactumException;
import dev.factum.api.NotDeliveredException;
import dev.factum.api.RecordConflictException;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StoreClosedException;
import dev.factum.api.StreamNames;
import dev.factum.api.groups.ConsumerGroups;
import dev.factum.api.groups.Delivery;
import dev.factum.engine.FactumStore;
import dev.factum.engine.RecordWrite;
import dev.factum.engine.StoreRecords;
import dev.factum.engine.spi.StoreRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Maintains one generation of one projection: polls the generation's consumer group, applies each
 * event's handler to the projection it names, and commits the new projection states together with
 * the acks of the events in one writer command ({@link FactumStore#ackWithRecords}).
 *
 * <p>What must stay true, and why:
 *
 * <ul>
 *   <li>Exactly once: a state is never written without the ack of the events it includes, nor an
 *       event acked without its state. A redelivered event (its earlier delivery timed out) fails
 *       the whole command with {@code not-delivered} and writes nothing; the next poll hands it out
 *       again and it is applied to the state as committed. Each write expects the version read, so
 *       a second runner over the same storage (two servers) cannot interleave with this one: its
 *       command fails with {@code record-conflict} and the events go back to the group.
 *   <li>Order: the group hands out an event of an aggregate only after the earlier ones are acked,
 *       and a batch is applied in log order, so a projection fed by one aggregate sees its events
 *       in order; one fed by several (an idField, an aggregated projection) in log order within a
 *       batch.
 *   <li>A state over {@link StoreRecords#MAX_VALUE_BYTES} is not written: the event that would make
 *       it so is parked (the group's parked list says why) and the projection keeps its state.
 * </ul>
 */
final class ProjectionRunner {
  static final String CONSUMER = "projection";
  static final int MAX_BATCH = 256;

  private final FactumStore store;
  private final ProjectionDefinition definition;
  private final Map<String, List<ProjectionFunction.Compiled>> handlers = new HashMap<>();
  private final Map<String, String> idFields = new HashMap<>();
  private final String group;
  private final String namespace;
  private final Runnable committed;
  private final AtomicLong applied = new AtomicLong();
  private volatile String lastError;
  private volatile boolean stopped;
  private Thread thread;

  ProjectionRunner(
      FactumStore store,
      ProjectionDefinition definition,
      String group,
      String namespace,
      Runnable committed) {
    this.store = store;
    this.definition = definition;
    this.group = group;
    this.namespace = namespace;
    this.committed = committed;
    List<List<ProjectionFunction.Compiled>> compiled = definition.compiled();
    for (int i = 0; i < compiled.size(); i++) {
      ProjectionHandler handler = definition.handlers().get(i);
      handlers.put(handler.eventType(), compiled.get(i));
      String idField = handler.idField() != null ? handler.idField() : definition.idField();
      if (idField != null) {
        idFields.put(handler.eventType(), idField);
      }
    }
  }

  String group() {
    return group;
  }

  long applied() {
    return applied.get();
  }

  String lastError() {
    return lastError;
  }

  synchronized void start() {
    thread =
        Thread.ofPlatform()
            .daemon()
            .name("factum-projection-" + definition.name())
            .start(this::run);
  }

  void stop() throws InterruptedException {
    Thread running;
    synchronized (this) {
      stopped = true;
      notifyAll();
      running = thread;
    }
    if (running != null) {
      running.interrupt();
      running.join(Duration.ofSeconds(30));
    }
  }

  private void run() {
    ConsumerGroups groups = store.consumerGroups();
    while (!stopped) {
      try {
        List<Delivery> batch = groups.poll(group, CONSUMER, MAX_BATCH, Duration.ofSeconds(1));
        if (!batch.isEmpty() && !stopped) {
          process(groups, batch);
          committed.run();
        }
      } catch (NotDeliveredException | RecordConflictException retry) {
        // nothing was written; the events come again and are applied to the committed states
      } catch (StoreClosedException closed) {
        return;
      } catch (FactumException e) {
        if (stopped || Thread.currentThread().isInterrupted()) {
          return;
        }
        lastError = e.getMessage();
        try {
          pause();
        } catch (InterruptedException interrupted) {
          return;
        }
      }
    }
  }

  private synchronized void pause() throws InterruptedException {
    long until = System.nanoTime() + 1_000_000_000L;
    for (long left = until - System.nanoTime();
        left > 0 && !stopped;
        left = until - System.nanoTime()) {
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  /** One pending change of a projection: its state now and the version it was read at. */
  private static final class Pending {
    final long version;
    ProjectionDocument document;

    Pending(long version, ProjectionDocument document) {
      this.version = version;
      this.document = document;
    }
  }

  private void process(ConsumerGroups groups, List<Delivery> batch) {
    List<Delivery> ordered = new ArrayList<>(batch);
    ordered.sort(Comparator.comparingLong(Delivery::position));
    Map<String, Pending> pending = new LinkedHashMap<>();
    List<Long> acked = new ArrayList<>();
    List<Delivery> parked = new ArrayList<>();
    for (Delivery delivery : ordered) {
      RecordedEvent event = delivery.event();
      List<ProjectionFunction.Compiled> functions = handlers.get(event.type());
      String id = functions == null ? null : projectionId(event);
      if (id == null) {
        acked.add(delivery.position());
        continue;
      }
      Pending change = pending.computeIfAbsent(id, this::read);
      ProjectionDocument next = apply(change.document, id, event, functions);
      if (next != null && next.encode().length > StoreRecords.MAX_VALUE_BYTES) {
        parked.add(delivery);
        continue;
      }
      change.document = next;
      acked.add(delivery.position());
    }
    List<RecordWrite> writes = new ArrayList<>();
    for (Map.Entry<String, Pending> entry : pending.entrySet()) {
      Pending change = entry.getValue();
      if (change.document != null) {
        writes.add(
            RecordWrite.put(namespace, entry.getKey(), change.document.encode(), expected(change)));
      } else if (change.version > 0) {
        writes.add(RecordWrite.delete(namespace, entry.getKey(), change.version));
      }
    }
    if (!acked.isEmpty()) {
      if (writes.isEmpty()) {
        for (long position : acked) {
          groups.ack(group, CONSUMER, position);
        }
      } else {
        store.ackWithRecords(group, CONSUMER, acked, writes);
      }
      applied.addAndGet(acked.size());
    }
    for (Delivery delivery : parked) {
      lastError =
          "event at "
              + delivery.position()
              + " would make a projection over "
              + StoreRecords.MAX_VALUE_BYTES
              + " bytes";
      groups.park(group, CONSUMER, delivery.position(), lastError);
    }
  }

  private static long expected(Pending change) {
    return change.version == 0 ? RecordWrite.ABSENT : change.version;
  }

  private Pending read(String id) {
    StoreRecord record = store.records().read(namespace, id);
    return record == null
        ? new Pending(0, null)
        : new Pending(record.version(), ProjectionDocument.decode(record.value()));
  }

  /** The id of the projection an event changes, or null when it changes none. */
  private String projectionId(RecordedEvent event) {
    if (definition.aggregated()) {
      return definition.name();
    }
    String idField = idFields.get(event.type());
    if (idField == null) {
      String stream = event.stream();
      int dash = stream.indexOf('-');
      return dash < 0 ? null : validId(stream.substring(dash + 1));
    }
    JsonNode value = Selector.parse("$.event." + idField, "idField").read(data(event));
    return value != null && (value.isTextual() || value.isIntegralNumber())
        ? validId(value.asText())
        : null;
  }

  /** A projection id is a store record key: 1 to 200 UTF-8 bytes, no control characters. */
  static String validId(String id) {
    if (id.isEmpty() || id.getBytes(StandardCharsets.UTF_8).length > 200) {
      return null;
    }
    for (int i = 0; i < id.length(); i++) {
      if (Character.isISOControl(id.charAt(i)) || Character.isSurrogate(id.charAt(i))) {
        return null;
      }
    }
    return id;
  }

  private static JsonNode data(RecordedEvent event) {
    try {
      JsonNode node = DefinitionJson.JSON.readTree(event.data());
      return node == null ? DefinitionJson.JSON.createObjectNode() : node;
    } catch (IOException notJson) {
      return DefinitionJson.JSON.createObjectNode();
    }
  }

  /** The state after the event, or null when the handler deleted the projection. */
  private ProjectionDocument apply(
      ProjectionDocument current,
      String id,
      RecordedEvent event,
      List<ProjectionFunction.Compiled> functions) {
    long at = event.timestamp().toEpochMilli();
    Functions.State state =
        current == null
            ? new Functions.State(DefinitionJson.JSON.createObjectNode(), null)
            : new Functions.State(current.data().deepCopy(), current.reference());
    JsonNode data = data(event);
    ObjectNode metadata = metadata(event);
    for (ProjectionFunction.Compiled function : functions) {
      Functions.apply(function, state, data, metadata);
      if (state.deleted) {
        return null;
      }
    }
    return new ProjectionDocument(
        id, current == null ? at : current.createdAt(), at, state.reference, state.data);
  }

  private static ObjectNode metadata(RecordedEvent event) {
    ObjectNode metadata = DefinitionJson.JSON.createObjectNode();
    String stream = event.stream();
    int dash = stream.indexOf('-');
    metadata.put("aggregateType", StreamNames.category(stream));
    if (dash >= 0) {
      metadata.put("aggregateId", stream.substring(dash + 1));
    }
    metadata.put("eventId", String.valueOf(event.id()));
    metadata.put("eventType", event.type());
    metadata.put("createdAt", event.timestamp().toEpochMilli());
    metadata.put("sequenceNumber", event.position() + 1);
    return metadata;
  }
}
