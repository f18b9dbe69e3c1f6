package dev.factum.webhooks;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.GroupExistsException;
import dev.factum.api.GroupNotFoundException;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.RecordConflictException;
import dev.factum.api.groups.ConsumerGroups;
import dev.factum.api.groups.GroupDefinition;
import dev.factum.api.groups.GroupSettings;
import dev.factum.engine.FactumStore;
import dev.factum.engine.RecordRunners;
import dev.factum.engine.RecordWrite;
import dev.factum.engine.spi.StoreRecord;
import dev.factum.wire.WireJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The webhooks of one store: each one a store record (namespace {@value #NAMESPACE}, key = its
 * name, value = its URL, batch size, timeout, pause flag and signing secret) plus a consumer group
 * {@code $webhook-<name>} holding its source, start, retries, checkpoint and parked events, and one
 * {@link WebhookRunner} while the store is open.
 *
 * <p>Design note: the consumer group is the whole delivery state (checkpoint, in flight, retries,
 * parked events), so a webhook's progress survives restarts and kill -9 exactly as a group's does,
 * and its parked events are listed, replayed and skipped with the group operations. The record
 * exists so that the signing secret and the HTTP settings live durably beside it.
 *
 * <p>Several servers on one storage (PostgreSQL): each runs a runner per webhook, and the group's
 * partition leases pick which server hands out which streams' events (docs/CONSUMERS.md), so each
 * stream is delivered by one server at a time, fenced, and a server that stops or dies hands its
 * streams to the others. Each follows the webhooks the others change every {@link #FOLLOW_INTERVAL}
 * ({@link RecordRunners}, as {@code KafkaSinks} does for sinks): a record is launched once its
 * group is there, a pause or resume is applied to the running runner, another change restarts it.
 *
 * <p>What must stay true: the record is written first and compare-and-set (two administrators
 * cannot both create a name), the group second; a record without its group (a crash between the
 * two) gets its group at the next start. A webhook's runner is stopped before its group and record
 * are deleted here, and within one follow interval on the other servers (whose runner meanwhile
 * finds its group gone and delivers nothing more).
 */
public final class Webhooks implements AutoCloseable {
  /** The store-record namespace of webhook definitions. */
  public static final String NAMESPACE = "webhooks";

  /** How often a server over a shared storage looks for webhooks other servers changed. */
  static final Duration FOLLOW_INTERVAL = Duration.ofSeconds(1);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final FactumStore store;
  private final ConsumerGroups groups;
  private final Clock clock;
  private final RecordRunners<Launched, WebhookRunner> runners;

  /** What a runner runs: the record and the definition it makes with the webhook's group. */
  private record Launched(Stored stored, WebhookDefinition definition) {}

  private Webhooks(FactumStore store, Clock clock) {
    this.store = store;
    this.groups = store.consumerGroups();
    this.clock = clock;
    this.runners = new RecordRunners<>(store, NAMESPACE, "webhook", this, new Definitions());
  }

  /** A new webhook and its signing secret, which is shown here once. */
  public record Created(WebhookStatus status, String secret) {}

  /** Starts every webhook defined in {@code store}. */
  public static Webhooks start(FactumStore store) {
    return start(store, Clock.systemUTC());
  }

  static Webhooks start(FactumStore store, Clock clock) {
    Webhooks webhooks = new Webhooks(store, clock);
    webhooks.runners.open(FOLLOW_INTERVAL);
    return webhooks;
  }

  /** How a record runs: a pause or resume in place, anything else on a new runner. */
  private final class Definitions implements RecordRunners.Definitions<Launched, WebhookRunner> {
    @Override
    public Optional<Launched> decode(StoreRecord record) {
      Stored stored = Stored.decode(record.key(), record.value());
      GroupDefinition group;
      try {
        group = groups.status(WebhookDefinition.GROUP_PREFIX + record.key()).definition();
      } catch (GroupNotFoundException e) {
        return Optional.empty(); // created in part (see create), or its group is being made
      }
      return Optional.of(new Launched(stored, stored.definition(group)));
    }

    @Override
    public boolean update(WebhookRunner runner, Launched running, Launched wanted) {
      if (!running.stored().withPaused(false).equals(wanted.stored().withPaused(false))) {
        return false;
      }
      runner.update(wanted.definition());
      return true;
    }

    @Override
    public WebhookRunner create(String name, Launched wanted) {
      return new WebhookRunner(
          groups,
          wanted.definition(),
          wanted.stored().secret().getBytes(StandardCharsets.US_ASCII),
          clock);
    }
  }

  /** A webhook of a definitions file and the signing secret the file's {@code secretFile} holds. */
  public record Declaration(WebhookDefinition definition, String secret) {
    public Declaration {
      if (definition == null) {
        throw new InvalidArgumentException("a declared webhook needs a definition");
      }
      checkSecret(secret);
    }
  }

  /** What {@link #declare} did to each webhook, by name. */
  public record Declared(
      List<String> created, List<String> updated, List<String> unchanged, List<String> deleted) {}

  /**
   * Makes the store's webhooks match {@code declarations} (a definitions file, {@code factum serve
   * --sinks}), before they start (no {@link Webhooks} of this store may be running): a missing
   * webhook is created with the declared secret; one that differs is changed to match, keeping its
   * group (checkpoint and parked events) when its source and start are the same, and re-created
   * from its start when they are not (a group's source cannot change under its checkpoint); with
   * {@code prune} a webhook not declared is deleted with its group.
   */
  public static Declared declare(FactumStore store, List<Declaration> declarations, boolean prune) {
    ConsumerGroups groups = store.consumerGroups();
    Map<String, StoreRecord> existing = new LinkedHashMap<>();
    for (StoreRecord record : store.records().list(NAMESPACE)) {
      existing.put(record.key(), record);
    }
    List<String> created = new ArrayList<>();
    List<String> updated = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    List<String> deleted = new ArrayList<>();
    for (Declaration declaration : declarations) {
      WebhookDefinition definition = declaration.definition();
      Stored wanted = Stored.of(definition, declaration.secret());
      StoreRecord record = existing.remove(definition.name());
      GroupDefinition group = null;
      if (record != null) {
        try {
          group = groups.status(definition.group()).definition();
        } catch (GroupNotFoundException e) {
          // created in part: made whole below
        }
      }
      if (record != null && group != null) {
        Stored stored = Stored.decode(record.key(), record.value());
        if (stored.definition(group).equals(definition)
            && stored.secret().equals(wanted.secret())) {
          unchanged.add(definition.name());
          continue;
        }
      }
      store
          .records()
          .write(
              List.of(
                  RecordWrite.put(
                      NAMESPACE,
                      definition.name(),
                      wanted.encode(),
                      record == null ? RecordWrite.ABSENT : record.version())));
      if (group != null
          && group.source().equals(definition.source())
          && group.start().equals(definition.start())) {
        groups.update(definition.group(), settings(definition));
      } else {
        if (group != null) {
          groups.delete(definition.group());
        }
        createGroup(groups, definition);
      }
      (record == null ? created : updated).add(definition.name());
    }
    if (prune) {
      for (StoreRecord record : existing.values()) {
        try {
          groups.delete(WebhookDefinition.GROUP_PREFIX + record.key());
        } catch (GroupNotFoundException e) {
          // created in part
        }
        store
            .records()
            .write(List.of(RecordWrite.delete(NAMESPACE, record.key(), record.version())));
        deleted.add(record.key());
      }
    }
    return new Declared(created, updated, unchanged, deleted);
  }

  /** A new random signing secret, {@code whsec_} and 64 hex digits (256 bits). */
  public static String newSecret() {
    return "whsec_" + HexFormat.of().formatHex(randomBytes());
  }

  /**
   * Refuses a secret too weak to sign with: under 32 characters, or anything but printable ASCII
   * (it is used as its ASCII bytes, and must survive a header, a file and a shell).
   */
  static void checkSecret(String secret) {
    if (secret == null || secret.length() < 32 || secret.length() > 1024) {
      throw new InvalidArgumentException("a webhook secret must be 32 to 1024 characters");
    }
    for (int i = 0; i < secret.length(); i++) {
      char c = secret.charAt(i);
      if (c <= ' ' || c > '~') {
        throw new InvalidArgumentException(
            "a webhook secret must be printable ASCII without spaces");
      }
    }
  }

  private static void createGroup(ConsumerGroups groups, WebhookDefinition definition) {
    groups.create(
        GroupDefinition.of(definition.group(), definition.source())
            .startingAt(definition.start())
            .with(settings(definition)));
  }

  /** Defines a webhook, creates its group and starts it (paused, if the definition says so). */
  public synchronized Created create(WebhookDefinition definition) {
    runners.checkOpen();
    String secret = newSecret();
    Stored stored = Stored.of(definition, secret);
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
      throw new RecordConflictException("a webhook named '" + definition.name() + "' exists", e);
    }
    try {
      createGroup(groups, definition);
    } catch (GroupExistsException e) {
      // left by a webhook of this name whose delete did not finish: start over
      groups.delete(definition.group());
      createGroup(groups, definition);
    }
    // A runner left under this name (of a webhook deleted on another server) is stopped first.
    WebhookRunner runner =
        runners.launch(definition.name(), new Launched(stored, definition), version);
    return new Created(runner.status(), secret);
  }

  /** Every webhook, in name order. */
  public synchronized List<WebhookStatus> list() {
    runners.checkOpen();
    if (store.isShared()) {
      runners.follow(); // what other servers changed since the last pass
    }
    return runners.list().stream().map(WebhookRunner::status).toList();
  }

  /** Whether a webhook of that name runs here. */
  public synchronized boolean exists(String name) {
    return runners.has(name);
  }

  /** The webhooks this process runs a runner for. */
  Set<String> running() {
    return runners.names();
  }

  public synchronized WebhookStatus status(String name) {
    return runners.runner(name).status();
  }

  /** Stops forwarding after the request under way; durable (a restart stays paused). */
  public synchronized WebhookStatus pause(String name) {
    return setPaused(name, true);
  }

  public synchronized WebhookStatus resume(String name) {
    return setPaused(name, false);
  }

  /** Stops the webhook and deletes it with its group (checkpoint and parked events). */
  public synchronized void delete(String name) throws InterruptedException {
    runners.stop(name);
    try {
      groups.delete(WebhookDefinition.GROUP_PREFIX + name);
    } catch (GroupNotFoundException e) {
      // already gone
    }
    store.records().write(List.of(RecordWrite.delete(NAMESPACE, name, RecordWrite.ANY)));
  }

  /** Stops every runner (the definitions stay). */
  @Override
  public void close() {
    runners.close();
  }

  private WebhookStatus setPaused(String name, boolean paused) {
    WebhookRunner runner = runners.runner(name);
    StoreRecord record = store.records().read(NAMESPACE, name);
    if (record == null) {
      throw new InvalidArgumentException("no webhook named '" + name + "'");
    }
    Stored changed = Stored.decode(name, record.value()).withPaused(paused);
    long version =
        store
            .records()
            .write(List.of(RecordWrite.put(NAMESPACE, name, changed.encode(), record.version())))
            .getFirst();
    WebhookDefinition definition = runner.status().definition().withPaused(paused);
    runners.reconcile(name, new Launched(changed, definition), version);
    return runners.runner(name).status();
  }

  private static GroupSettings settings(WebhookDefinition definition) {
    return GroupSettings.DEFAULT
        .withMaxInFlight(definition.maxBatch())
        .withAckTimeout(WebhookRunner.ackTimeout(definition.timeout()))
        .withRetries(definition.maxRetries(), definition.backoff());
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  /** What the record holds; the rest of a definition is its group's. */
  private record Stored(
      String name, URI url, int maxBatch, Duration timeout, boolean paused, String secret) {
    static Stored of(WebhookDefinition definition, String secret) {
      return new Stored(
          definition.name(),
          definition.url(),
          definition.maxBatch(),
          definition.timeout(),
          definition.paused(),
          secret);
    }

    Stored withPaused(boolean newPaused) {
      return new Stored(name, url, maxBatch, timeout, newPaused, secret);
    }

    WebhookDefinition definition(GroupDefinition group) {
      return new WebhookDefinition(
          name,
          url,
          group.source(),
          group.start(),
          maxBatch,
          timeout,
          group.settings().maxRetries(),
          group.settings().retryBackoff(),
          paused);
    }

    byte[] encode() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (JsonGenerator json = WireJson.factory().createGenerator(out)) {
        json.writeStartObject();
        json.writeStringField("url", url.toString());
        json.writeNumberField("maxBatch", maxBatch);
        json.writeNumberField("timeoutMillis", timeout.toMillis());
        json.writeBooleanField("paused", paused);
        json.writeStringField("secret", secret);
        json.writeEndObject();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toByteArray();
    }

    static Stored decode(String name, byte[] bytes) {
      try {
        JsonNode root = WireJson.mapper().readTree(bytes);
        return new Stored(
            name,
            URI.create(root.path("url").asText()),
            root.path("maxBatch").asInt(),
            Duration.ofMillis(root.path("timeoutMillis").asLong()),
            root.path("paused").asBoolean(),
            root.path("secret").asText());
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalStateException("the stored webhook '" + name + "' is damaged", e);
      }
    }
  }
}
