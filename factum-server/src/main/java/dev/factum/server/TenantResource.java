package dev.factum.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.api.ForbiddenException;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;

/**
 * {@code /admin/tenants}: create, list, show and delete tenants. For admins of the root store only
 * (keys without a tenant, and open mode): an admin of a tenant is refused ({@code forbidden})
 * before anything is looked up, so it learns nothing of other tenants, not even their names.
 */
final class TenantResource implements Resource {
  private final TenantStores tenants;
  private final KeyRegistry keys;
  private final ServerConfig config;

  TenantResource(TenantStores tenants, KeyRegistry keys, ServerConfig config) {
    this.tenants = tenants;
    this.keys = keys;
    this.config = config;
  }

  @Override
  public Set<Route> routes() {
    return Set.of(
        Route.ADMIN_TENANTS,
        Route.ADMIN_CREATE_TENANT,
        Route.ADMIN_TENANT,
        Route.ADMIN_DELETE_TENANT);
  }

  @Override
  public int handle(Request request, Route.Match match) throws IOException {
    Principal by = request.store().principal();
    if (!by.root()) {
      throw new ForbiddenException("this API key may not use this resource");
    }
    return switch (match.route()) {
      case ADMIN_TENANTS ->
          Responses.json(
              request.exchange,
              200,
              json -> {
                json.writeArrayFieldStart("tenants");
                for (TenantRecord tenant : tenants.registry().list()) {
                  json.writeStartObject();
                  write(json, tenant);
                  json.writeEndObject();
                }
                json.writeEndArray();
              });
      case ADMIN_CREATE_TENANT -> {
        ObjectNode body = WireFormat.parseObject(request.jsonBody(config.maxRequestBytes()));
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
          String field = names.next();
          if (!field.equals("name")) {
            throw HttpProblem.badRequest("unknown field '" + field + "'; known: [name]");
          }
        }
        JsonNode name = body.path("name");
        if (!name.isTextual()) {
          throw HttpProblem.badRequest("'name' is required, a string");
        }
        TenantRecord created = tenants.create(name.asText(), by);
        yield Responses.json(request.exchange, 201, json -> write(json, created));
      }
      case ADMIN_TENANT -> {
        TenantRecord tenant = tenants.registry().get(request.segments.get(2));
        if (tenant == null) {
          throw TenantStores.notFound();
        }
        yield Responses.json(request.exchange, 200, json -> write(json, tenant));
      }
      case ADMIN_DELETE_TENANT -> {
        TenantRecord deleted = tenants.delete(request.segments.get(2), by);
        yield Responses.json(
            request.exchange,
            200,
            json -> {
              write(json, deleted);
              json.writeStringField("status", "deleted");
            });
      }
      default -> throw new IllegalArgumentException(match.route().name());
    };
  }

  private void write(JsonGenerator json, TenantRecord tenant) throws IOException {
    json.writeStringField("name", tenant.name());
    json.writeStringField("id", tenant.id());
    json.writeStringField("createdBy", tenant.createdBy());
    json.writeStringField("createdAt", tenant.createdAt().toString());
    json.writeNumberField(
        "keys",
        keys.list().stream()
            .filter(key -> tenant.name().equals(key.tenant()) && tenant.id().equals(key.tenantId()))
            .filter(key -> key.revokedAt() == null)
            .count());
  }
}
