package dev.factum.server;

import dev.factum.api.UnauthorizedException;

/**
 * How a Serialized client's credentials name a Factum API key: the one place the {@code
 * /serialized/} API maps its headers onto the native auth layer, so a tenant ({@code
 * Serialized-Tenant-Id}) can be added here and nowhere else.
 *
 * <p>The mapping: {@code Serialized-Access-Key} is the key's public id (16 hex digits, as {@code
 * factum keys list} shows it) and {@code Serialized-Secret-Access-Key} is the whole key string
 * ({@code fk_<id>_<secret>}); the id inside the key must equal the access key. A request without
 * the Serialized headers may still send the native {@code Authorization: Bearer fk_…}. Every
 * mismatch is the native {@code 401 unauthorized} with its one detail, which the Serialized client
 * raises as an {@code ApiException} with status 401.
 *
 * <p>What it does not do yet: map {@code Serialized-Tenant-Id} onto Factum's tenants. A key of a
 * tenant already acts on that tenant's store here as on every route; a request naming a tenant in
 * the header is refused ({@code invalid-request}), so nothing meant for a tenant lands elsewhere.
 */
final class SerializedKeys {
  static final String ACCESS_KEY = "Serialized-Access-Key";
  static final String SECRET_ACCESS_KEY = "Serialized-Secret-Access-Key";
  static final String TENANT_ID = "Serialized-Tenant-Id";

  private SerializedKeys() {}

  /** The {@code Authorization} value the native registry authenticates for this request. */
  static String authorization(Request request) {
    String access = request.header(ACCESS_KEY);
    String secret = request.header(SECRET_ACCESS_KEY);
    if (access == null && secret == null) {
      return request.header("Authorization");
    }
    ApiKeys.Parsed parsed = ApiKeys.parse(secret);
    if (parsed == null || !parsed.id().equals(access)) {
      throw new UnauthorizedException(KeyRegistry.DENIED);
    }
    return "Bearer " + secret;
  }

  /**
   * The tenant header is not mapped yet: a request with it is refused before anything is done, with
   * auth on or off (the router calls this for every Serialized route).
   */
  static void refuseTenant(Request request) {
    if (request.header(TENANT_ID) != null) {
      throw HttpProblem.badRequest(
          TENANT_ID
              + " is not supported yet: use a key of the tenant (its requests act on the tenant's"
              + " store)");
    }
  }
}
