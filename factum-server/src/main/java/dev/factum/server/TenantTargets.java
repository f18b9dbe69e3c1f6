package dev.factum.server;

import dev.factum.api.InvalidArgumentException;
import dev.factum.engine.FactumStore;
import dev.factum.engine.TenantStorage;
import dev.factum.kafka.KafkaSinks;
import dev.factum.kafka.SinkDefinition;
import dev.factum.webhooks.Webhooks;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tenants a definitions file ({@code factum serve --sinks FILE}, member {@code "tenants"})
 * declares sinks and webhooks for, resolved against the root store's tenant registry before
 * anything is written, and the declaring of each tenant's part into that tenant's own store.
 *
 * <p>Design note: a tenant's sinks and webhooks live in its store, as when its admins make them
 * over HTTP, and obey the same rules: a sink's transactional id is scoped to the tenant ({@link
 * #scopedSink}, the rule {@code /admin/sinks} applies), and the tenant is marked in the root store
 * ({@link ServerForwarders#MARKERS}) before its first definition is written, so that this server,
 * the next start and every other server over the same storage run them without waiting for a
 * request of the tenant.
 *
 * <p>What must stay true: {@link #resolve} refuses a name that is not a live tenant, and the caller
 * scopes every sink before it declares anything, so a file with any fault changes nothing; a
 * tenant's store is opened only for its declaration and closed again before the server serves
 * (which opens it itself).
 */
public final class TenantTargets {
  private static final String TRANSACTIONAL_ID = "transactional.id";

  private final FactumStore root;
  private final TenantStorage storage;
  private final Map<String, TenantRecord> tenants;

  private TenantTargets(
      FactumStore root, TenantStorage storage, Map<String, TenantRecord> tenants) {
    this.root = root;
    this.storage = storage;
    this.tenants = tenants;
  }

  /** What {@link #declare} did in one tenant's store. */
  public record Declared(KafkaSinks.Declared sinks, Webhooks.Declared webhooks) {}

  /**
   * The live tenants of {@code root} named in {@code names}.
   *
   * @throws InvalidArgumentException naming every name that is not a live tenant
   */
  public static TenantTargets resolve(
      FactumStore root, TenantStorage storage, Collection<String> names) {
    Map<String, TenantRecord> found = new LinkedHashMap<>();
    if (names.isEmpty()) {
      return new TenantTargets(root, storage, found);
    }
    if (storage == null) {
      throw new InvalidArgumentException("this server has no tenant storage: no tenant exists");
    }
    List<String> unknown = new ArrayList<>();
    try (TenantRegistry registry = TenantRegistry.open(root)) {
      for (String name : names) {
        TenantRecord tenant = registry.get(name);
        if (tenant == null) {
          unknown.add(name);
        } else {
          found.put(name, tenant);
        }
      }
    }
    if (!unknown.isEmpty()) {
      throw new InvalidArgumentException(
          "no tenant named "
              + String.join(", ", unknown.stream().map(n -> "'" + n + "'").toList())
              + " (create it first: factum tenants create NAME)");
    }
    return new TenantTargets(root, storage, found);
  }

  /**
   * {@code definition} as a sink of {@code tenant}: with the tenant's transactional id when it
   * names none (every sink needs one of its own on a cluster).
   *
   * @throws InvalidArgumentException when it names one outside the tenant's prefix
   */
  public SinkDefinition scopedSink(String tenant, SinkDefinition definition) {
    return scopedSink(definition, tenant(tenant).location());
  }

  /**
   * The transactional-id rule of a tenant's sinks: {@code factum-sink-<location>-<name>} by
   * default; a given one must start with {@code factum-sink-<location>-}, so sinks of one name in
   * two stores (or one tenant's chosen id) never fence another store's sink or share its checkpoint
   * topic. The root store's ({@code location} empty) are taken as they are.
   */
  static SinkDefinition scopedSink(SinkDefinition definition, String location) {
    if (location.isEmpty()) {
      return definition;
    }
    String prefix = "factum-sink-" + location + "-";
    String given = definition.producerProperties().get(TRANSACTIONAL_ID);
    if (given != null) {
      if (!given.startsWith(prefix) || given.length() == prefix.length()) {
        throw new InvalidArgumentException(
            "a tenant's sink's transactional.id must start with '" + prefix + "'");
      }
      return definition;
    }
    Map<String, String> properties = new TreeMap<>(definition.producerProperties());
    properties.put(TRANSACTIONAL_ID, prefix + definition.name());
    return new SinkDefinition(
        definition.name(),
        definition.kind(),
        definition.filter(),
        definition.topic(),
        definition.bootstrapServers(),
        properties,
        definition.paused());
  }

  /**
   * Makes {@code tenant}'s sinks and webhooks match the declared ones (as {@link
   * KafkaSinks#declare} and {@link Webhooks#declare} do for the root store), in its own store,
   * after marking it. The sinks must have been {@link #scopedSink scoped}.
   */
  public Declared declare(
      String tenant,
      List<SinkDefinition> sinks,
      boolean pruneSinks,
      List<Webhooks.Declaration> webhooks,
      boolean pruneWebhooks) {
    TenantRecord record = tenant(tenant);
    new TenantMarkers(root, ServerForwarders.MARKERS).mark(record);
    try (FactumStore store = storage.open(record.location())) {
      return new Declared(
          KafkaSinks.declare(store, sinks, pruneSinks),
          Webhooks.declare(store, webhooks, pruneWebhooks));
    }
  }

  private TenantRecord tenant(String name) {
    TenantRecord tenant = tenants.get(name);
    if (tenant == null) {
      throw new IllegalArgumentException("not resolved: tenant '" + name + "'");
    }
    return tenant;
  }
}
