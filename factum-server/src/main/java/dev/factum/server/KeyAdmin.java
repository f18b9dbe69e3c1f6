package dev.factum.server;

import dev.factum.api.InvalidArgumentException;
import dev.factum.engine.FactumStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Key management on a store opened directly, without a server: what {@code factum keys ...
 * --data-dir} uses. The same registry and the same records as {@code /admin/keys}, so a key made
 * here works on every server of the store, and its creation is audited like any other (by {@code
 * offline-cli}). Answers are the JSON {@code /admin/keys} gives.
 */
public final class KeyAdmin implements AutoCloseable {
  private static final Principal OFFLINE =
      new Principal("offline-cli", "factum keys (offline)", Role.ADMIN, Scopes.ALL, 0);

  private final KeyRegistry keys;
  private final TenantRegistry tenants;

  private KeyAdmin(KeyRegistry keys, TenantRegistry tenants) {
    this.keys = keys;
    this.tenants = tenants;
  }

  /** Reads the store's keys and tenants; the store stays the caller's. */
  public static KeyAdmin open(FactumStore store) {
    TenantRegistry tenants = TenantRegistry.open(store);
    try {
      return new KeyAdmin(KeyRegistry.open(store, Clock.systemUTC(), tenants::isLive), tenants);
    } catch (RuntimeException e) {
      tenants.close();
      throw e;
    }
  }

  /**
   * Creates a key; the answer holds the key string, the only time it is shown.
   *
   * @param role {@code reader}, {@code writer} or {@code admin}
   * @param expiresAt null for never
   * @param ratePerSecond 0 for no limit
   * @throws InvalidArgumentException for a bad role, scope, name or rate
   */
  public String create(
      String name,
      String role,
      List<String> prefixes,
      List<String> categories,
      Instant expiresAt,
      int ratePerSecond) {
    return create(name, role, prefixes, categories, expiresAt, ratePerSecond, null);
  }

  /**
   * As {@link #create(String, String, List, List, Instant, int)}, a key of {@code tenant} (null: of
   * the root store).
   *
   * @throws InvalidArgumentException also when there is no such tenant
   */
  public String create(
      String name,
      String role,
      List<String> prefixes,
      List<String> categories,
      Instant expiresAt,
      int ratePerSecond,
      String tenant) {
    TenantRecord record = tenant == null ? null : tenants.get(tenant);
    if (tenant != null && record == null) {
      throw new InvalidArgumentException("no tenant named '" + tenant + "'");
    }
    if (name == null || name.isBlank() || name.length() > 200) {
      throw new InvalidArgumentException("a key needs a name of 1 to 200 characters");
    }
    if (ratePerSecond < 0 || ratePerSecond > 1_000_000) {
      throw new InvalidArgumentException("the rate must be from 1 to 1000000 requests/s");
    }
    KeyRegistry.Created created =
        keys.create(
            name,
            Role.parse(role),
            new Scopes(prefixes, categories),
            expiresAt,
            ratePerSecond,
            record,
            OFFLINE);
    return KeyJson.object(created.record(), created.key());
  }

  /** Every key, as {@code {"keys": [...]}}. */
  public String list() {
    return keys.list().stream()
        .map(key -> KeyJson.object(key, null))
        .collect(Collectors.joining(",", "{\"keys\":[", "]}"));
  }

  /**
   * Revokes a key.
   *
   * @throws InvalidArgumentException when there is no key with this id
   */
  public String revoke(String id) {
    KeyRecord revoked = ApiKeys.isId(id) ? keys.revoke(id, OFFLINE) : null;
    if (revoked == null) {
      throw new InvalidArgumentException("no key with id '" + id + "'");
    }
    return KeyJson.object(revoked, null);
  }

  @Override
  public void close() {
    keys.close();
    tenants.close();
  }
}
