package dev.factum.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.api.Direction;
import dev.factum.api.ForbiddenException;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.ReadPage;
import dev.factum.api.StreamNotFoundException;
import dev.factum.api.SystemStreams;
import dev.factum.api.UnauthorizedException;
import dev.factum.wire.ProblemCode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * {@code /admin/keys} and {@code /admin/audit}: create, list and revoke API keys, and read the
 * audit trail of administrative actions. Admin only (the routes say so; the router checks).
 *
 * <p>A key string is in the answer to its creation and nowhere else; lists show ids, names, roles,
 * scopes and states, never a secret or its hash.
 *
 * <p>Tenants: an admin of the root store sees and manages every key and may give a new key any
 * existing {@code tenant}; an admin of tenant T sees, creates and revokes T's keys only (a key of
 * another tenant is "no such key", a {@code tenant} other than T is {@code forbidden} whether it
 * exists or not), and may not read the audit trail, which is the whole server's.
 */
final class AdminResource implements Resource {
  private static final Set<String> CREATE_FIELDS =
      Set.of("name", "role", "prefixes", "categories", "expiresAt", "ratePerSecond", "tenant");

  private final KeyRegistry keys;
  private final TenantRegistry tenants;
  private final ServerConfig config;

  AdminResource(KeyRegistry keys, TenantRegistry tenants, ServerConfig config) {
    this.keys = keys;
    this.tenants = tenants;
    this.config = config;
  }

  /** Whether {@code by} may see and manage {@code key}: every key for the root, its own else. */
  private boolean manages(Principal by, KeyRecord key) {
    return by.root()
        || (by.tenant().equals(key.tenant()) && tenants.isLive(key.tenant(), key.tenantId()));
  }

  @Override
  public Set<Route> routes() {
    return Set.of(
        Route.ADMIN_KEYS, Route.ADMIN_CREATE_KEY, Route.ADMIN_REVOKE_KEY, Route.ADMIN_AUDIT);
  }

  @Override
  public int handle(Request request, Route.Match match) throws IOException {
    return switch (match.route()) {
      case ADMIN_KEYS ->
          Responses.json(
              request.exchange,
              200,
              json -> {
                json.writeArrayFieldStart("keys");
                Principal by = request.store().principal();
                for (KeyRecord key : keys.list()) {
                  if (!manages(by, key)) {
                    continue;
                  }
                  json.writeStartObject();
                  KeyJson.write(json, key);
                  json.writeEndObject();
                }
                json.writeEndArray();
              });
      case ADMIN_CREATE_KEY -> create(request);
      case ADMIN_REVOKE_KEY -> revoke(request);
      case ADMIN_AUDIT -> audit(request);
      default -> throw new IllegalArgumentException(match.route().name());
    };
  }

  private int create(Request request) throws IOException {
    ObjectNode body = WireFormat.parseObject(request.jsonBody(config.maxRequestBytes()));
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String field = names.next();
      if (!CREATE_FIELDS.contains(field)) {
        throw HttpProblem.badRequest("unknown field '" + field + "'; known: " + CREATE_FIELDS);
      }
    }
    String name = text(body, "name", true);
    if (name.length() > 200 || name.chars().anyMatch(Character::isISOControl)) {
      throw HttpProblem.badRequest("name must be at most 200 characters, no control characters");
    }
    Role role = Role.parse(text(body, "role", true));
    Scopes scopes;
    try {
      scopes = new Scopes(strings(body, "prefixes"), strings(body, "categories"));
    } catch (InvalidArgumentException e) {
      throw HttpProblem.badRequest(e.getMessage());
    }
    String expires = text(body, "expiresAt", false);
    Instant expiresAt = null;
    if (expires != null) {
      try {
        expiresAt = Instant.parse(expires);
      } catch (DateTimeParseException e) {
        throw HttpProblem.badRequest(
            "expiresAt must be an ISO-8601 instant, e.g. 2027-01-01T00:00:00Z");
      }
    }
    JsonNode rate = body.path("ratePerSecond");
    int ratePerSecond = 0;
    if (!rate.isMissingNode() && !rate.isNull()) {
      if (!rate.isIntegralNumber() || rate.asLong() < 1 || rate.asLong() > 1_000_000) {
        throw HttpProblem.badRequest("ratePerSecond must be a whole number from 1 to 1000000");
      }
      ratePerSecond = rate.asInt();
    }
    Principal by = request.store().principal();
    String tenantName = text(body, "tenant", false);
    TenantRecord tenant;
    if (by.root()) {
      tenant = tenantName == null ? null : tenants.get(tenantName);
      if (tenantName != null && tenant == null) {
        throw TenantStores.notFound();
      }
    } else {
      if (tenantName != null && !tenantName.equals(by.tenant())) {
        throw new ForbiddenException("this API key may only create keys of its own tenant");
      }
      tenant = tenants.get(by.tenant());
      if (tenant == null) {
        throw new UnauthorizedException("a valid API key is required");
      }
    }
    KeyRegistry.Created created =
        keys.create(name, role, scopes, expiresAt, ratePerSecond, tenant, by);
    return Responses.json(
        request.exchange,
        201,
        json -> {
          KeyJson.write(json, created.record());
          json.writeStringField("key", created.key());
        });
  }

  private int revoke(Request request) throws IOException {
    String id = request.segments.get(2);
    Principal by = request.store().principal();
    KeyRecord key = ApiKeys.isId(id) ? keys.get(id) : null;
    KeyRecord revoked = key != null && manages(by, key) ? keys.revoke(id, by) : null;
    if (revoked == null) {
      throw new HttpProblem(ProblemCode.NOT_FOUND, "no such key");
    }
    return Responses.json(request.exchange, 200, json -> KeyJson.write(json, revoked));
  }

  private int audit(Request request) throws IOException {
    if (!request.store().principal().root()) {
      throw new ForbiddenException("this API key may not use this resource");
    }
    long from = request.longParam("from", 0, 0, Long.MAX_VALUE - 1);
    int limit = LogResource.limit(request);
    ReadPage page;
    try {
      page = request.store().readStream(SystemStreams.AUDIT, from, Direction.FORWARD, limit);
    } catch (StreamNotFoundException none) {
      page = new ReadPage(List.of(), 0, true);
    }
    ReadPage result = page;
    String next =
        result.endOfRead() ? null : "/admin/audit?from=" + result.next() + "&limit=" + limit;
    long head = request.store().headPosition();
    return Responses.json(request.exchange, 200, new EventJson().page(result, next, head));
  }

  private static String text(ObjectNode body, String field, boolean required) {
    JsonNode node = body.path(field);
    if (node.isMissingNode() || node.isNull()) {
      if (required) {
        throw HttpProblem.badRequest("'" + field + "' is required");
      }
      return null;
    }
    if (!node.isTextual() || node.asText().isEmpty()) {
      throw HttpProblem.badRequest("'" + field + "' must be a non-empty string");
    }
    return node.asText();
  }

  private static List<String> strings(ObjectNode body, String field) {
    JsonNode node = body.path(field);
    List<String> out = new ArrayList<>();
    if (node.isMissingNode() || node.isNull()) {
      return out;
    }
    if (!node.isArray()) {
      throw HttpProblem.badRequest("'" + field + "' must be an array of strings");
    }
    for (JsonNode item : node) {
      if (!item.isTextual()) {
        throw HttpProblem.badRequest("'" + field + "' must be an array of strings");
      }
      out.add(item.asText());
    }
    return out;
  }
}
