package dev.factum.server;

import dev.factum.api.ForbiddenException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * How a Serialized tenant id (a UUID) names a Factum tenant: a documented derivation, so the
 * mapping needs no storage of its own and a Serialized tenant is an ordinary Factum tenant (listed
 * by {@code /admin/tenants}, with its own isolated store).
 *
 * <p>The derivation: the UUID's 128 bits as an unsigned number in base 36 ({@code 0-9a-z}),
 * left-padded with {@code 0} to 25 digits, after {@code s-}: 27 characters, within Factum's 30, one
 * name per UUID and one UUID per such name ({@link #idOf} is its exact inverse). A Factum tenant
 * whose name is not of that form is not a Serialized tenant and is never listed as one.
 *
 * <p>What must stay true: the header only ever narrows where a request acts. A key of the root
 * store (and open mode) may name any tenant that exists; a key of tenant T may only name T itself
 * (any other id is {@code 403 forbidden}, decided before anything is looked up, so it learns
 * nothing of other tenants); an id of no tenant is {@code 404 tenant-not-found}. The store is then
 * chosen by the router as for a key of that tenant ({@link TenantStores#storeOf}).
 */
final class SerializedTenants {
  static final String PREFIX = "s-";
  private static final int DIGITS = 25;
  private static final Pattern NAME = Pattern.compile("s-[0-9a-z]{25}");
  private static final BigInteger LIMIT = BigInteger.ONE.shiftLeft(128);
  private static final Pattern UUID_FORM =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private SerializedTenants() {}

  /** The Factum tenant name of a Serialized tenant id. */
  static String nameOf(UUID id) {
    ByteBuffer bytes = ByteBuffer.allocate(16);
    bytes.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
    String digits = new BigInteger(1, bytes.array()).toString(36);
    return PREFIX + "0".repeat(DIGITS - digits.length()) + digits;
  }

  /** The Serialized tenant id a Factum tenant name derives from, or null if it is not one. */
  static UUID idOf(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      return null;
    }
    BigInteger value = new BigInteger(name.substring(PREFIX.length()), 36);
    if (value.compareTo(LIMIT) >= 0) {
      return null;
    }
    return new UUID(value.shiftRight(64).longValue(), value.longValue());
  }

  /**
   * A tenant id as the client sends it (path or header): the canonical 36-character form.
   *
   * @throws HttpProblem {@code invalid-request} otherwise
   */
  static UUID parse(String text, String what) {
    if (text == null || !UUID_FORM.matcher(text).matches()) {
      throw HttpProblem.badRequest(what + " must be a UUID (36 characters), was '" + text + "'");
    }
    return UUID.fromString(text);
  }

  /**
   * The principal a Serialized request acts as: {@code principal} itself without the {@code
   * Serialized-Tenant-Id} header; with it, the same key's rights inside the tenant it names.
   */
  static Principal actingAs(Principal principal, Request request, TenantRegistry registry) {
    String header = request.header(SerializedKeys.TENANT_ID);
    if (header == null) {
      return principal;
    }
    String name = nameOf(parse(header.trim(), SerializedKeys.TENANT_ID));
    if (!principal.root()) {
      if (!principal.tenant().equals(name)) {
        throw new ForbiddenException("this API key belongs to another tenant");
      }
      return principal;
    }
    if (registry.get(name) == null) {
      throw TenantStores.notFound();
    }
    return new Principal(
        principal.keyId(),
        principal.name(),
        principal.role(),
        principal.scopes(),
        principal.ratePerSecond(),
        name);
  }
}
