package dev.factum.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.api.ForbiddenException;
import dev.factum.engine.FactumStore;
import dev.factum.engine.RecordWrite;
import dev.factum.engine.spi.StoreRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code /serialized/tenants}: Serialized's tenant management (add, list, update, delete) as its
 * official client calls it, over Factum's own tenants ({@link TenantStores}): a Serialized tenant
 * is the Factum tenant {@link SerializedTenants#nameOf} names, so it is created, listed and deleted
 * natively as well, with its own isolated store.
 *
 * <p>What must stay true: only admins of the root store (keys without a tenant, open mode) manage
 * tenants, as on {@code /admin/tenants}; a tenant's admin is refused before anything is looked up.
 * The one thing Serialized keeps that a Factum tenant lacks, its {@code reference}, is a root store
 * record ({@value #NAMESPACE}, keyed by the tenant's name), written after the tenant is created and
 * removed after it is deleted: a crash between the two leaves a tenant without reference (listed
 * with none) or a stale record no listing reads (a new tenant of the same id rewrites it).
 */
final class SerializedTenantResource implements Resource {
  static final String NAMESPACE = "serialized.tenants";
  private static final int MAX_REFERENCE = 1_000;
  private static final Set<String> FIELDS =
      Set.of("tenantId", "reference", "addedAt", "deleted", "tenantNumber");

  private final TenantStores tenants;
  private final FactumStore root;
  private final ServerConfig config;

  SerializedTenantResource(TenantStores tenants, FactumStore root, ServerConfig config) {
    this.tenants = tenants;
    this.root = root;
    this.config = config;
  }

  @Override
  public Set<Route> routes() {
    return Set.of(
        Route.SERIALIZED_TENANTS,
        Route.SERIALIZED_CREATE_TENANT,
        Route.SERIALIZED_UPDATE_TENANT,
        Route.SERIALIZED_DELETE_TENANT);
  }

  @Override
  public int handle(Request request, Route.Match match) throws IOException {
    Principal by = request.store().principal();
    if (!by.root()) {
      throw new ForbiddenException("this API key may not use this resource");
    }
    return switch (match.route()) {
      case SERIALIZED_TENANTS -> list(request);
      case SERIALIZED_CREATE_TENANT -> {
        Body body = body(request, null);
        if (body.id == null) {
          throw HttpProblem.badRequest("'tenantId' is required, a UUID");
        }
        String name = SerializedTenants.nameOf(body.id);
        TenantRecord created = tenants.create(name, by);
        putReference(name, body.reference);
        yield Responses.json(
            request.exchange, 200, json -> write(json, body.id, created, body.reference));
      }
      case SERIALIZED_UPDATE_TENANT -> {
        UUID id = SerializedTenants.parse(request.segments.get(2), "the tenant id");
        Body body = body(request, id);
        TenantRecord tenant = existing(id);
        putReference(tenant.name(), body.reference);
        yield Responses.json(
            request.exchange, 200, json -> write(json, id, tenant, body.reference));
      }
      case SERIALIZED_DELETE_TENANT -> {
        UUID id = SerializedTenants.parse(request.segments.get(2), "the tenant id");
        TenantRecord deleted = tenants.delete(existing(id).name(), by);
        root.records()
            .write(List.of(RecordWrite.delete(NAMESPACE, deleted.name(), RecordWrite.ANY)));
        yield Responses.json(
            request.exchange,
            200,
            json -> {
              write(json, id, deleted, null);
              json.writeBooleanField("deleted", true);
            });
      }
      default -> throw new IllegalArgumentException(match.route().name());
    };
  }

  private int list(Request request) throws IOException {
    Map<String, String> references = new HashMap<>();
    for (StoreRecord record : root.records().list(NAMESPACE)) {
      JsonNode json = WireFormat.parseObject(record.value());
      if (json.path("reference").isTextual()) {
        references.put(record.key(), json.path("reference").asText());
      }
    }
    return Responses.json(
        request.exchange,
        200,
        json -> {
          json.writeArrayFieldStart("tenants");
          for (TenantRecord tenant : tenants.registry().list()) {
            UUID id = SerializedTenants.idOf(tenant.name());
            if (id != null) {
              json.writeStartObject();
              write(json, id, tenant, references.get(tenant.name()));
              json.writeEndObject();
            }
          }
          json.writeEndArray();
        });
  }

  private TenantRecord existing(UUID id) {
    TenantRecord tenant = tenants.registry().get(SerializedTenants.nameOf(id));
    if (tenant == null) {
      throw TenantStores.notFound();
    }
    return tenant;
  }

  private void putReference(String name, String reference) {
    ObjectNode value = JsonNodeFactory.instance.objectNode();
    if (reference != null) {
      value.put("reference", reference);
    }
    root.records()
        .write(
            List.of(
                RecordWrite.put(
                    NAMESPACE,
                    name,
                    value.toString().getBytes(StandardCharsets.UTF_8),
                    RecordWrite.ANY)));
  }

  /** A tenant body as the client sends it; {@code pathId}, when given, the id it must name. */
  private record Body(UUID id, String reference) {}

  private Body body(Request request, UUID pathId) throws IOException {
    ObjectNode body = WireFormat.parseObject(request.jsonBody(config.maxRequestBytes()));
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String field = names.next();
      if (!FIELDS.contains(field)) {
        throw HttpProblem.badRequest("unknown field '" + field + "'; known: " + FIELDS);
      }
    }
    UUID id = null;
    JsonNode idNode = body.path("tenantId");
    if (!idNode.isMissingNode() && !idNode.isNull()) {
      if (!idNode.isTextual()) {
        throw HttpProblem.badRequest("'tenantId' must be a UUID string");
      }
      id = SerializedTenants.parse(idNode.asText(), "'tenantId'");
    }
    if (pathId != null && id != null && !pathId.equals(id)) {
      throw HttpProblem.badRequest("'tenantId' must be the tenant id of the path");
    }
    JsonNode reference = body.path("reference");
    if (!reference.isMissingNode() && !reference.isNull() && !reference.isTextual()) {
      throw HttpProblem.badRequest("'reference' must be a string");
    }
    String text = reference.isTextual() ? reference.asText() : null;
    if (text != null && text.length() > MAX_REFERENCE) {
      throw HttpProblem.badRequest("'reference' may be at most " + MAX_REFERENCE + " characters");
    }
    JsonNode deleted = body.path("deleted");
    if (!deleted.isMissingNode() && !deleted.isNull() && !deleted.isBoolean()) {
      throw HttpProblem.badRequest("'deleted' must be a boolean");
    }
    if (deleted.asBoolean(false)) {
      throw HttpProblem.badRequest("'deleted' must be false; delete a tenant with DELETE");
    }
    return new Body(id == null ? pathId : id, text);
  }

  private static void write(JsonGenerator json, UUID id, TenantRecord tenant, String reference)
      throws IOException {
    json.writeStringField("tenantId", id.toString());
    json.writeStringField("tenantNumber", tenant.name());
    json.writeNumberField("addedAt", tenant.createdAt().toEpochMilli());
    if (reference != null) {
      json.writeStringField("reference", reference);
    }
  }
}
