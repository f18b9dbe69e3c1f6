package dev.factum.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.api.AppendRequest;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.RecordedEvent;
import dev.factum.api.SystemStreams;
import dev.factum.api.UnauthorizedException;
import dev.factum.engine.FactumStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * and expired keys all get one message, and so does a key of a tenant that does not exist (any
 * more, or in the key's incarnation): the tenant check is part of authentication.
 */
final class KeyRegistry implements AutoCloseable {
  static final String AUDIT_TYPE = "$admin-action";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  static final String DENIED = "a valid API key is required";

  /** Whether a key's tenant (name and incarnation id) exists now. */
  interface TenantCheck {
    boolean live(String tenant, String tenantId);
  }

  private final FactumStore store;
  private final Clock clock;
  private final TenantCheck tenants;
  private final Map<String, KeyRecord> keys = new ConcurrentHashMap<>();
  private volatile Consumer<String> revocationListener = id -> {};
  private final SystemStreamFollower follower;

  private KeyRegistry(FactumStore store, Clock clock, TenantCheck tenants) {
    this.store = store;
    this.clock = clock;
    this.tenants = tenants;
    this.follower = SystemStreamFollower.start(store, SystemStreams.KEYS, this::apply);
  }

  /** Reads every key of the store and follows {@code $keys} from then on. */
  static KeyRegistry open(FactumStore store, Clock clock) {
    return open(store, clock, (tenant, id) -> false);
  }

  /**
   * As {@link #open(FactumStore, Clock)}, honouring keys of the tenants {@code tenants} says live.
   */
  static KeyRegistry open(FactumStore store, Clock clock, TenantCheck tenants) {
    KeyRegistry registry = new KeyRegistry(store, clock, tenants);
    registry.follower.awaitCaughtUp();
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
    if (key == null || !ApiKeys.matches(parsed.secret(), key.secretHash()) || !valid(key)) {
      throw new UnauthorizedException(DENIED);
    }
    return key.principal();
  }

  private boolean valid(KeyRecord key) {
    return key.validAt(clock.instant())
        && (key.tenant() == null || tenants.live(key.tenant(), key.tenantId()));
  }

  /**
   * Whether the key a request authenticated with is still valid now (not revoked, not expired);
   * open mode's principal always is. Long-lived feeds ask this at each heartbeat.
   */
  boolean isValid(String keyId) {
    KeyRecord key = keys.get(keyId);
    return key == null ? Principal.OPEN.keyId().equals(keyId) : valid(key);
  }

  /** A key just created: its record, and the key string, to be shown once. */
  record Created(KeyRecord record, String key) {}

  Created create(
      String name, Role role, Scopes scopes, Instant expiresAt, int ratePerSecond, Principal by) {
    return create(name, role, scopes, expiresAt, ratePerSecond, null, by);
  }

  /** A key of {@code tenant} (null: of the root store). */
  Created create(
      String name,
      Role role,
      Scopes scopes,
      Instant expiresAt,
      int ratePerSecond,
      TenantRecord tenant,
      Principal by) {
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
            null,
            tenant == null ? null : tenant.name(),
            tenant == null ? null : tenant.id());
    ObjectNode audit = audit("key-created", key.id(), by);
    audit.put("keyName", name);
    audit.put("role", role.id());
    if (tenant != null) {
      audit.put("tenant", tenant.name());
    }
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
    ObjectNode audit = audit("key-revoked", id, by);
    if (key.tenant() != null) {
      audit.put("tenant", key.tenant());
    }
    write(KeyRecord.revokedEvent(id, by.keyId()), audit);
    revokeLocally(id, null);
    return keys.get(id);
  }

  /**
   * The revocations of every key of {@code tenant} not yet revoked, to be written with its
   * deletion; {@link #revokedWithTenant} then applies them here.
   */
  List<AppendRequest> revocationsOf(TenantRecord tenant, Principal by) {
    return ofTenant(tenant).stream()
        .filter(key -> key.revokedAt() == null)
        .map(
            key ->
                AppendRequest.of(
                    SystemStreams.KEYS,
                    ExpectedRevision.any(),
                    KeyRecord.revokedEvent(key.id(), by.keyId())))
        .toList();
  }

  /** Applies the revocations {@link #revocationsOf} gave, once they are written. */
  void revokedWithTenant(TenantRecord tenant) {
    ofTenant(tenant).forEach(key -> revokeLocally(key.id(), null));
  }

  private List<KeyRecord> ofTenant(TenantRecord tenant) {
    return keys.values().stream()
        .filter(key -> tenant.name().equals(key.tenant()) && tenant.id().equals(key.tenantId()))
        .toList();
  }

  private static ObjectNode audit(String action, String keyId, Principal by) {
    ObjectNode audit = auditOf(action, by);
    audit.put("keyId", keyId);
    return audit;
  }

  /** An audit record's start: the action and who did it (with the actor's tenant, if any). */
  static ObjectNode auditOf(String action, Principal by) {
    ObjectNode audit = MAPPER.createObjectNode();
    audit.put("action", action);
    ObjectNode actor = audit.putObject("by");
    actor.put("keyId", by.keyId());
    actor.put("name", by.name());
    if (by.tenant() != null) {
      actor.put("tenant", by.tenant());
    }
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

  /** The key of this id, valid or not, or null. */
  KeyRecord get(String id) {
    return keys.get(id);
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
    follower.close();
  }
}
