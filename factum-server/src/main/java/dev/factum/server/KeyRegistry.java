package dev.factum.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.api.AppendRequest;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.LogFilter;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StoreClosedException;
import dev.factum.api.Subscription;
import dev.factum.api.SubscriptionListener;
import dev.factum.api.SubscriptionRequest;
import dev.factum.api.SystemStreams;
import dev.factum.api.UnauthorizedException;
import dev.factum.engine.FactumStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The API keys a server honours: built from the {@code $keys} stream and kept current by a live
 * subscription to it, so a key created or revoked through any server over the same store (several
 * servers on one PostgreSQL) is honoured here as soon as that subscription delivers it.
 *
 * <p>What must stay true: the registry holds only hashes, never a secret; a key created or revoked
 * through this server takes effect here before the call returns (it is applied locally as well as
 * when the subscription delivers it; applying is idempotent); every change is written together with
 * its audit record in one atomic system append, so neither exists without the other. All failures
 * of authentication look the same to the caller: missing, malformed, unknown, wrong secret, revoked
 * and expired keys all get one message.
 */
final class KeyRegistry implements AutoCloseable {
  static final String AUDIT_TYPE = "$admin-action";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  static final String DENIED = "a valid API key is required";

  private final FactumStore store;
  private final Clock clock;
  private final Map<String, KeyRecord> keys = new ConcurrentHashMap<>();
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private volatile Consumer<String> revocationListener = id -> {};
  private final Subscription subscription;

  private KeyRegistry(FactumStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
    this.subscription =
        store.subscribe(
            new SubscriptionRequest(SystemStreams.KEYS, LogFilter.none(), 0),
            new SubscriptionListener() {
              @Override
              public void onEvent(RecordedEvent event) {
                apply(event);
              }

              @Override
              public void onCaughtUp() {
                caughtUp.countDown();
              }

              @Override
              public void onClose(Throwable cause) {
                caughtUp.countDown();
              }
            });
  }

  /** Reads every key of the store and follows {@code $keys} from then on. */
  static KeyRegistry open(FactumStore store, Clock clock) {
    KeyRegistry registry = new KeyRegistry(store, clock);
    try {
      if (!registry.caughtUp.await(60, TimeUnit.SECONDS)) {
        registry.close();
        throw new StoreClosedException("the key registry did not catch up with $keys in 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      registry.close();
      throw new StoreClosedException("interrupted while reading $keys");
    }
    return registry;
  }

  /** Told the id of every key revoked (here or through another server), once per revocation. */
  void onRevoked(Consumer<String> listener) {
    this.revocationListener = listener;
  }

  private void apply(RecordedEvent event) {
    switch (event.type()) {
      case KeyRecord.CREATED -> {
        KeyRecord key = KeyRecord.fromCreated(event);
        keys.putIfAbsent(key.id(), key);
      }
      case KeyRecord.REVOKED -> revokeLocally(KeyRecord.read(event).path("id").asText(), event);
      default -> {
        // a type this version does not know changes nothing it relies on
      }
    }
  }

  private void revokeLocally(String id, RecordedEvent event) {
    Instant at = event == null ? clock.instant() : event.timestamp();
    boolean[] changed = {false};
    keys.computeIfPresent(
        id,
        (k, key) -> {
          if (key.revokedAt() != null) {
            return key;
          }
          changed[0] = true;
          return key.revoked(at);
        });
    if (changed[0]) {
      revocationListener.accept(id);
    }
  }

  /**
   * The principal of an {@code Authorization} header value.
   *
   * @throws UnauthorizedException for anything but a {@code Bearer} key that is known, matches, and
   *     is neither revoked nor expired
   */
  Principal authenticate(String authorization) {
    if (authorization == null
        || authorization.length() < 7
        || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new UnauthorizedException(DENIED);
    }
    ApiKeys.Parsed parsed = ApiKeys.parse(authorization.substring(7));
    if (parsed == null) {
      throw new UnauthorizedException(DENIED);
    }
    KeyRecord key = keys.get(parsed.id());
    if (key == null
        || !ApiKeys.matches(parsed.secret(), key.secretHash())
        || !key.validAt(clock.instant())) {
      throw new UnauthorizedException(DENIED);
    }
    return key.principal();
  }

  /**
   * Whether the key a request authenticated with is still valid now (not revoked, not expired);
   * open mode's principal always is. Long-lived feeds ask this at each heartbeat.
   */
  boolean isValid(String keyId) {
    KeyRecord key = keys.get(keyId);
    return key == null ? Principal.OPEN.keyId().equals(keyId) : key.validAt(clock.instant());
  }

  /** A key just created: its record, and the key string, to be shown once. */
  record Created(KeyRecord record, String key) {}

  Created create(
      String name, Role role, Scopes scopes, Instant expiresAt, int ratePerSecond, Principal by) {
    ApiKeys.Generated generated = ApiKeys.generate();
    KeyRecord key =
        new KeyRecord(
            generated.id(),
            name,
            role,
            scopes,
            expiresAt,
            ratePerSecond,
            generated.secretHash(),
            by.keyId(),
            clock.instant(),
            null);
    ObjectNode audit = audit("key-created", key.id(), by);
    audit.put("keyName", name);
    audit.put("role", role.id());
    write(key.createdEvent(), audit);
    keys.putIfAbsent(key.id(), key);
    return new Created(keys.get(key.id()), generated.key());
  }

  /** Revokes a key; null when there is no such key. Revoking a revoked key writes nothing. */
  KeyRecord revoke(String id, Principal by) {
    KeyRecord key = keys.get(id);
    if (key == null || key.revokedAt() != null) {
      return key;
    }
    write(KeyRecord.revokedEvent(id, by.keyId()), audit("key-revoked", id, by));
    revokeLocally(id, null);
    return keys.get(id);
  }

  private static ObjectNode audit(String action, String keyId, Principal by) {
    ObjectNode audit = MAPPER.createObjectNode();
    audit.put("action", action);
    audit.put("keyId", keyId);
    ObjectNode actor = audit.putObject("by");
    actor.put("keyId", by.keyId());
    actor.put("name", by.name());
    return audit;
  }

  private void write(EventData keyEvent, JsonNode audit) {
    store.appendSystem(
        List.of(
            AppendRequest.of(SystemStreams.KEYS, ExpectedRevision.any(), keyEvent),
            AppendRequest.of(
                SystemStreams.AUDIT,
                ExpectedRevision.any(),
                EventData.json(AUDIT_TYPE, KeyRecord.bytes(audit)))));
  }

  /** Every key, valid or not, oldest first. */
  List<KeyRecord> list() {
    return keys.values().stream()
        .sorted(Comparator.comparing(KeyRecord::createdAt).thenComparing(KeyRecord::id))
        .toList();
  }

  boolean isEmpty() {
    return keys.isEmpty();
  }

  @Override
  public void close() {
    subscription.close();
  }
}
