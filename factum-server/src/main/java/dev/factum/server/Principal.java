package dev.factum.server;

/**
 * Who a request acts for, as the auth layer resolved it before any resource runs: the key's id and
 * name, its role and scopes, and its rate limit. The one place a key maps to rights, so a tenant
 * can later be added here and nowhere else.
 *
 * @param keyId the key's public id ({@code open} in open mode)
 * @param name the key's name, for audit records
 * @param ratePerSecond requests per second allowed, 0 for no limit
 */
record Principal(String keyId, String name, Role role, Scopes scopes, int ratePerSecond) {
  /** Every request in open mode (auth off, loopback only): an unscoped admin. */
  static final Principal OPEN = new Principal("open", "open-mode", Role.ADMIN, Scopes.ALL, 0);

  /** The server itself, creating the first admin key. */
  static final Principal SERVER = new Principal("server", "first-start", Role.ADMIN, Scopes.ALL, 0);
}
