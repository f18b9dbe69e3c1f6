package dev.factum.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.Direction;
import dev.factum.api.FactumException;
import dev.factum.api.GroupNotFoundException;
import dev.factum.api.LogFilter;
import dev.factum.api.NotDeliveredException;
import dev.factum.api.RecordConflictException;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StoreClosedException;
import dev.factum.api.groups.ConsumerGroups;
import dev.factum.api.groups.Delivery;
import dev.factum.api.groups.GroupDefinition;
import dev.factum.api.groups.GroupSource;
import dev.factum.api.groups.GroupStart;
import dev.factum.engine.FactumStore;
import dev.factum.engine.RecordWrite;
import dev.factum.engine.spi.StoreRecord;
import dev.factum.wire.ExactJson;
import dev.factum.wire.ProblemCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Serialized reactions over one store (the root store or a tenant's; {@link ServerReactions} runs
 * one per store): definitions, the scheduling of reactions from the log, and their execution
 * (docs/SERIALIZED.md "Reactions").
 *
 * <p>Design note. A definition is a store record ({@value #DEFINITIONS}) and a consumer group
 * ({@link ReactionDefinition#group}) over the event types it reacts on or cancels on, started at
 * the log's end when the definition is first created (Serialized reacts only to events after that).
 * One thread per store polls every definition's group and turns each delivered event into record
 * writes (a new reaction, or the cancellation of the aggregate's scheduled ones) committed with the
 * group's ack by {@link FactumStore#ackWithRecords}: a reaction is scheduled exactly once per
 * event, crashes and redeliveries included. The same thread executes due reactions: it marks one
 * {@code ONGOING}, POSTs the event, then marks it {@code COMPLETED}, or schedules a retry after
 * {@link #backoff} times the attempt, or after {@value #MAX_ATTEMPTS} attempts {@code FAILED}.
 * Every change is a compare-and-set on the reaction's record version, so a reaction executed or
 * deleted through the API meanwhile is never overwritten.
 *
 * <p>What must stay true: all state is in records, none in memory (a restart resumes from them); a
 * reaction is only ever POSTed while its record says {@code ONGOING}, which one reactor claims by
 * compare-and-set (several servers on one PostgreSQL each run one); an {@code ONGOING} record's
 * {@code triggerAt} is twice the request timeout after its claim, when another round (of this or
 * another server, say after a crash) may claim it again: at least once.
 *
 * <p>What it deliberately does not do: run several executions at once (one slow receiver delays the
 * others), or index reactions (the namespace is read whole for each listing and round: meant for
 * thousands, not millions).
 */
final class SerializedReactions implements AutoCloseable {
  static final String DEFINITIONS = "serialized.reaction-definitions";
  static final String REACTIONS = "serialized.reactions";
  static final String CONSUMER = "reactor";
  static final int MAX_ATTEMPTS = 5;
  static final String SIGNATURE = "Serialized-Signature";
  private static final int POLL = 100;
  private static final int EXECUTIONS_PER_ROUND = 16;

  private final FactumStore store;
  private final Clock clock;
  private final Duration backoff;
  private final Duration timeout;
  private final HttpClient http;
  private final AtomicLong executed = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile long due;
  private volatile boolean closed;
  private final Thread thread;
  private final Object idle = new Object();

  private SerializedReactions(FactumStore store, Clock clock, Duration backoff, Duration timeout) {
    this.store = store;
    this.clock = clock;
    this.backoff = backoff;
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.thread =
        Thread.ofPlatform().daemon().name("factum-serialized-reactions").unstarted(this::run);
  }

  /** Starts the reactor of {@code store}: 1 s backoff per attempt, 10 s per request. */
  static SerializedReactions start(FactumStore store) {
    return start(store, Clock.systemUTC(), Duration.ofSeconds(1), Duration.ofSeconds(10));
  }

  static SerializedReactions start(
      FactumStore store, Clock clock, Duration backoff, Duration timeout) {
    SerializedReactions reactions = new SerializedReactions(store, clock, backoff, timeout);
    reactions.thread.start();
    return reactions;
  }

  long executed() {
    return executed.get();
  }

  long failed() {
    return failed.get();
  }

  /** Reactions due (ready or ongoing) at the reactor's last round. */
  long due() {
    return due;
  }

  // ---- definitions

  synchronized List<ReactionDefinition> definitions() {
    List<ReactionDefinition> all = new ArrayList<>();
    for (StoreRecord record : store.records().list(DEFINITIONS)) {
      all.add(decode(record.value()));
    }
    return all;
  }

  synchronized ReactionDefinition definition(String name) {
    StoreRecord record = store.records().read(DEFINITIONS, name);
    if (record == null) {
      throw notFound("no reaction definition named '" + name + "'");
    }
    return decode(record.value());
  }

  /**
   * Creates or replaces a definition. A new one (or one whose event types changed) gets a fresh
   * group starting at the log's end; an unchanged source keeps its group and its progress.
   */
  synchronized void put(ReactionDefinition definition) {
    StoreRecord existing = store.records().read(DEFINITIONS, definition.name());
    ConsumerGroups groups = store.consumerGroups();
    boolean sameSource =
        existing != null && source(decode(existing.value())).equals(source(definition));
    if (!sameSource) {
      deleteGroup(definition.group());
      groups.create(
          new GroupDefinition(
              definition.group(),
              source(definition),
              GroupStart.end(),
              GroupDefinition.of(definition.group(), source(definition)).settings()));
    }
    store
        .records()
        .write(
            List.of(
                RecordWrite.put(
                    DEFINITIONS,
                    definition.name(),
                    encode(definition),
                    existing == null ? RecordWrite.ABSENT : existing.version())));
    wake();
  }

  /** Deletes a definition, its group and all its reactions. */
  synchronized void delete(String name) {
    StoreRecord existing = store.records().read(DEFINITIONS, name);
    if (existing == null) {
      throw notFound("no reaction definition named '" + name + "'");
    }
    ReactionDefinition definition = decode(existing.value());
    deleteGroup(definition.group());
    List<RecordWrite> writes = new ArrayList<>();
    writes.add(RecordWrite.delete(DEFINITIONS, name, existing.version()));
    for (StoreRecord record : store.records().list(REACTIONS)) {
      if (ReactionRecord.of(record.value()).reactionName().equals(name)) {
        writes.add(RecordWrite.delete(REACTIONS, record.key(), record.version()));
      }
    }
    store.records().write(writes);
  }

  private void deleteGroup(String group) {
    try {
      store.consumerGroups().delete(group);
    } catch (GroupNotFoundException e) {
      // none yet (or a crash between the group's deletion and the definition's)
    }
  }

  private static GroupSource source(ReactionDefinition definition) {
    Set<String> types = new LinkedHashSet<>();
    types.add(definition.reactOn());
    types.addAll(definition.cancelOn());
    return GroupSource.filtered(LogFilter.types(types.stream().sorted().toArray(String[]::new)));
  }

  private static byte[] encode(ReactionDefinition definition) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = WireFormat.generator(out)) {
      definition.write(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static ReactionDefinition decode(byte[] value) {
    return ReactionDefinition.parse(WireFormat.parseObject(value), null);
  }

  // ---- reactions

  /** Every reaction, oldest first. */
  List<ReactionRecord> reactions() {
    List<ReactionRecord> all = new ArrayList<>();
    for (StoreRecord record : store.records().list(REACTIONS)) {
      all.add(ReactionRecord.of(record.value()));
    }
    all.sort(Comparator.comparingLong(ReactionRecord::createdAt).thenComparing(ReactionRecord::id));
    return all;
  }

  long now() {
    return clock.millis();
  }

  /** Makes a reaction due now, with a fresh set of attempts (any status but ongoing). */
  void execute(UUID id) {
    StoreRecord record = record(id);
    ReactionRecord reaction = ReactionRecord.of(record.value());
    if (reaction.status() == ReactionRecord.Status.ONGOING) {
      return; // it is being executed now
    }
    store
        .records()
        .write(
            List.of(
                RecordWrite.put(
                    REACTIONS,
                    id.toString(),
                    reaction.with(ReactionRecord.Status.SCHEDULED, now(), 0, 0, null).bytes(),
                    record.version())));
    wake();
  }

  /** Wakes the reactor for a change made through the API. */
  private void wake() {
    synchronized (idle) {
      idle.notifyAll();
    }
  }

  /** The reaction {@code id}, as stored. */
  ReactionRecord reaction(UUID id) {
    return ReactionRecord.of(record(id).value());
  }

  void deleteReaction(UUID id) {
    StoreRecord record = record(id);
    store.records().write(List.of(RecordWrite.delete(REACTIONS, id.toString(), record.version())));
  }

  private StoreRecord record(UUID id) {
    StoreRecord record = store.records().read(REACTIONS, id.toString());
    if (record == null) {
      throw notFound("no reaction " + id);
    }
    return record;
  }

  private static HttpProblem notFound(String detail) {
    return new HttpProblem(ProblemCode.REACTION_NOT_FOUND, detail);
  }

  // ---- the reactor

  private void run() {
    while (!closed) {
      try {
        boolean busy = false;
        List<ReactionDefinition> definitions = definitions();
        for (ReactionDefinition definition : definitions) {
          busy |= schedule(definition);
        }
        // without definitions there are no reactions (deleting one deletes its reactions)
        busy |= !definitions.isEmpty() && executeDue(definitions);
        if (!busy) {
          synchronized (idle) {
            idle.wait(definitions.isEmpty() ? 250 : 50);
          }
        }
      } catch (InterruptedException | StoreClosedException e) {
        return;
      } catch (FactumException | UncheckedIOException | IllegalStateException e) {
        if (closed) {
          return;
        }
        try {
          synchronized (idle) {
            idle.wait(200);
          }
        } catch (InterruptedException interrupted) {
          return;
        }
      }
    }
  }

  /** Polls one definition's group and commits what its events schedule or cancel. */
  private boolean schedule(ReactionDefinition definition) {
    List<Delivery> deliveries;
    try {
      deliveries = store.consumerGroups().poll(definition.group(), CONSUMER, POLL, Duration.ZERO);
    } catch (FactumException e) {
      return false; // deleted meanwhile
    }
    if (deliveries.isEmpty()) {
      return false;
    }
    List<Long> positions = new ArrayList<>();
    List<RecordWrite> writes = new ArrayList<>();
    List<StoreRecord> existing = store.records().list(REACTIONS);
    for (Delivery delivery : deliveries) {
      positions.add(delivery.event().position());
      writes.addAll(writesFor(definition, delivery.event(), existing));
    }
    try {
      if (writes.isEmpty()) {
        for (long position : positions) {
          store.consumerGroups().ack(definition.group(), CONSUMER, position);
        }
      } else {
        store.ackWithRecords(definition.group(), CONSUMER, positions, writes);
      }
    } catch (NotDeliveredException | RecordConflictException e) {
      for (long position : positions) {
        try {
          store.consumerGroups().nack(definition.group(), CONSUMER, position, e.getMessage());
        } catch (FactumException ignored) {
          // no longer ours: handed out again anyway
        }
      }
    }
    return true;
  }

  private List<RecordWrite> writesFor(
      ReactionDefinition definition, RecordedEvent event, List<StoreRecord> existing) {
    if (!event.stream().startsWith(definition.feed() + "-")
        || SerializedMapping.batch(event) == null) {
      return List.of();
    }
    UUID aggregate = SerializedMapping.aggregateIdOf(event);
    List<RecordWrite> writes = new ArrayList<>();
    long now = now();
    if (definition.cancelOn().contains(event.type())) {
      for (StoreRecord record : existing) {
        ReactionRecord reaction = ReactionRecord.of(record.value());
        if (reaction.reactionName().equals(definition.name())
            && reaction.aggregateId().equals(aggregate)
            && reaction.status() == ReactionRecord.Status.SCHEDULED) {
          writes.add(
              RecordWrite.put(
                  REACTIONS,
                  record.key(),
                  reaction
                      .with(
                          ReactionRecord.Status.CANCELED,
                          reaction.triggerAt(),
                          now,
                          reaction.attempts(),
                          null)
                      .bytes(),
                  record.version()));
        }
      }
    }
    if (definition.reactOn().equals(event.type())) {
      UUID id =
          UUID.nameUUIDFromBytes(
              (definition.name() + "/" + event.id()).getBytes(StandardCharsets.UTF_8));
      ReactionRecord reaction =
          new ReactionRecord(
              id,
              definition.name(),
              definition.feed(),
              aggregate,
              event.id(),
              event.position(),
              now,
              triggerAt(definition, event),
              0,
              ReactionRecord.Status.SCHEDULED,
              0,
              null);
      writes.add(RecordWrite.put(REACTIONS, id.toString(), reaction.bytes(), RecordWrite.ANY));
    }
    return writes;
  }

  /**
   * The event's trigger-time field (epoch millis or ISO instant), else its commit time; + offset.
   */
  private static long triggerAt(ReactionDefinition definition, RecordedEvent event) {
    long base = event.timestamp().toEpochMilli();
    if (definition.triggerTimeField() != null) {
      JsonNode node;
      try {
        node = ExactJson.read(WireFormat.JSON, event.data(), false);
      } catch (ExactJson.Malformed e) {
        node = null;
      }
      for (String part : definition.triggerTimeField().split("\\.")) {
        node = node == null ? null : node.get(part);
      }
      if (node != null && node.isIntegralNumber()) {
        base = node.asLong();
      } else if (node != null && node.isTextual()) {
        try {
          base = Instant.parse(node.asText()).toEpochMilli();
        } catch (DateTimeParseException e) {
          // not a time: the commit time stands
        }
      }
    }
    return base + definition.offset().toMillis();
  }

  /** Executes up to a round's worth of due reactions; whether there was any. */
  private boolean executeDue(List<ReactionDefinition> current) throws InterruptedException {
    long now = now();
    List<StoreRecord> records = store.records().list(REACTIONS);
    List<StoreRecord> ready = new ArrayList<>();
    Map<String, ReactionRecord> byKey = new HashMap<>();
    for (StoreRecord record : records) {
      ReactionRecord reaction = ReactionRecord.of(record.value());
      if (reaction.open() && reaction.triggerAt() <= now) {
        ready.add(record);
        byKey.put(record.key(), reaction);
      }
    }
    due = ready.size();
    ready.sort(Comparator.comparingLong(r -> byKey.get(r.key()).triggerAt()));
    Map<String, ReactionDefinition> definitions = new HashMap<>();
    for (ReactionDefinition definition : current) {
      definitions.put(definition.name(), definition);
    }
    int done = 0;
    for (StoreRecord record : ready) {
      if (closed || done++ == EXECUTIONS_PER_ROUND) {
        break;
      }
      ReactionRecord reaction = byKey.get(record.key());
      ReactionDefinition definition = definitions.get(reaction.reactionName());
      if (definition != null) {
        execute(definition, reaction, record.version());
      } else if (store.records().read(DEFINITIONS, reaction.reactionName()) == null) {
        // scheduled while its definition was being deleted: deleted with it
        try {
          store
              .records()
              .write(List.of(RecordWrite.delete(REACTIONS, record.key(), record.version())));
        } catch (RecordConflictException e) {
          // changed meanwhile: the next round sees it again
        }
      }
    }
    return !ready.isEmpty();
  }

  private void execute(ReactionDefinition definition, ReactionRecord reaction, long version)
      throws InterruptedException {
    int attempt = reaction.attempts() + 1;
    long ongoing;
    try {
      ongoing =
          store
              .records()
              .write(
                  List.of(
                      RecordWrite.put(
                          REACTIONS,
                          reaction.id().toString(),
                          reaction
                              .with(
                                  ReactionRecord.Status.ONGOING,
                                  now() + timeout.toMillis() * 2,
                                  0,
                                  reaction.attempts(),
                                  reaction.lastError())
                              .bytes(),
                          version)))
              .getFirst();
    } catch (RecordConflictException e) {
      return; // executed or deleted through the API meanwhile
    }
    String failure = post(definition, reaction);
    long now = now();
    ReactionRecord next;
    if (failure == null) {
      executed.incrementAndGet();
      next =
          reaction.with(ReactionRecord.Status.COMPLETED, reaction.triggerAt(), now, attempt, null);
    } else if (attempt >= MAX_ATTEMPTS) {
      failed.incrementAndGet();
      next =
          reaction.with(ReactionRecord.Status.FAILED, reaction.triggerAt(), now, attempt, failure);
    } else {
      next =
          reaction.with(
              ReactionRecord.Status.SCHEDULED,
              now + backoff.toMillis() * attempt,
              0,
              attempt,
              failure);
    }
    try {
      store
          .records()
          .write(
              List.of(RecordWrite.put(REACTIONS, reaction.id().toString(), next.bytes(), ongoing)));
    } catch (RecordConflictException e) {
      // deleted (or executed again) through the API meanwhile: that decision stands
    }
  }

  /** POSTs the reaction's event; null when the receiver answered 2xx, else why not. */
  private String post(ReactionDefinition definition, ReactionRecord reaction)
      throws InterruptedException {
    List<RecordedEvent> events =
        store.readAll(reaction.position(), Direction.FORWARD, 1, LogFilter.none()).events();
    if (events.isEmpty() || !events.getFirst().id().equals(reaction.eventId())) {
      return "the event at position " + reaction.position() + " is gone";
    }
    byte[] body = body(events.getFirst());
    HttpRequest.Builder request =
        HttpRequest.newBuilder(definition.target())
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header(SIGNATURE, sign(definition, body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    definition.headers().forEach(request::header);
    try {
      int status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
      return status / 100 == 2 ? null : "HTTP " + status + " from " + definition.target();
    } catch (IOException | IllegalArgumentException e) {
      return e.getClass().getSimpleName() + " from " + definition.target() + ": " + e.getMessage();
    }
  }

  /**
   * The request body, as Serialized sends it: {@code {"metadata": {"aggregateId", "timestamp",
   * "sequenceNumber"}, "event": {"eventId", "eventType", "data", "encryptedData"?}}}.
   */
  static byte[] body(RecordedEvent event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + event.data().length);
    SerializedMapping.Batch batch = SerializedMapping.batch(event);
    try (JsonGenerator json = WireFormat.generator(out)) {
      json.writeStartObject();
      json.writeObjectFieldStart("metadata");
      json.writeStringField("aggregateId", SerializedMapping.aggregateIdOf(event).toString());
      json.writeNumberField("timestamp", event.timestamp().toEpochMilli());
      json.writeNumberField("sequenceNumber", SerializedMapping.sequenceNumber(event.position()));
      json.writeEndObject();
      json.writeObjectFieldStart("event");
      json.writeStringField("eventId", event.id().toString());
      json.writeStringField("eventType", event.type());
      json.writeFieldName("data");
      json.writeRawValue(new String(event.data(), StandardCharsets.UTF_8));
      if (batch != null && batch.encryptedData() != null) {
        json.writeStringField("encryptedData", batch.encryptedData());
      }
      json.writeEndObject();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** HMAC-SHA256 of the body in hex, keyed with the signing secret, or else the reaction's name. */
  static String sign(ReactionDefinition definition, byte[] body) {
    String key =
        definition.signingSecret() == null ? definition.name() : definition.signingSecret();
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(15));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    http.close();
  }
}
