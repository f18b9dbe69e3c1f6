package dev.factum.server;

import dev.factum.api.UnauthorizedException;

/**
 * How a Serialized client's credentials name a Factum API key: the one place the {@code
 * /serialized/} API maps its key headers onto the native auth layer.
 *
 * <p>The mapping: {@code Serialized-Access-Key} is the key's public id (16 hex digits, as {@code
 * factum keys list} shows it) and {@code Serialized-Secret-Access-Key} is the whole key string
 * ({@code fk_<id>_<secret>}); the id inside the key must equal the access key. A request without
 * the Serialized headers may still send the native {@code Authorization: Bearer fk_…}. Every
 * mismatch is the native {@code 401 unauthorized} with its one detail, which the Serialized client
 * raises as an {@code ApiException} with status 401.
 *
 * <p>The tenant header ({@code Serialized-Tenant-Id}) is mapped after authentication, by {@link
 * SerializedTenants#actingAs}.
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
}
