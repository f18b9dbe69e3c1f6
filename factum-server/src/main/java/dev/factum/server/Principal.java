package dev.factum.server;

/**
 * Who a request acts for, as the auth layer resolved it before any resource runs: the key's id and
 * name, its tenant, its role and scopes, and its rate limit. The one place a key maps to rights.
 *
 * @param keyId the key's public id ({@code open} in open mode)
 * @param name the key's name, for audit records
 * @param ratePerSecond requests per second allowed, 0 for no limit
 * @param tenant the tenant whose store the key acts on, null for the root store (the default
 *     tenant: keys without a tenant, and open mode)
 */
record Principal(
    String keyId, String name, Role role, Scopes scopes, int ratePerSecond, String tenant) {
  /** Every request in open mode (auth off, loopback only): an unscoped admin of the root store. */
  static final Principal OPEN = new Principal("open", "open-mode", Role.ADMIN, Scopes.ALL, 0);

  /** The server itself, creating the first admin key. */
  static final Principal SERVER = new Principal("server", "first-start", Role.ADMIN, Scopes.ALL, 0);

  /** A principal of the root store. */
  Principal(String keyId, String name, Role role, Scopes scopes, int ratePerSecond) {
    this(keyId, name, role, scopes, ratePerSecond, null);
  }

  /** Whether this principal acts on the root store (no tenant). */
  boolean root() {
    return tenant == null;
  }
}
