package dev.factum.server;

import dev.factum.api.FactumException;
import dev.factum.engine.FactumStore;
import dev.factum.engine.RecordWrite;
import dev.factum.engine.spi.StoreRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Which tenants have something that must run without waiting for a request (Serialized reactions,
 * sinks, webhooks): one root-store record per such tenant in a namespace of the caller's (key = the
 * tenant's location, value = its name), so a server that starts (or, on a shared storage, follows)
 * opens those tenants' stores, and with them what runs beside them.
 *
 * <p>What must stay true: a marker is durable before the definition it stands for is written
 * ({@link #mark} before the first create); a marker of a tenant no longer live is never acted on
 * ({@link #live} deletes it instead). A marker is not deleted when the last definition goes: a put
 * racing that deletion could lose its marker, and a stale one costs only an open store.
 */
final class TenantMarkers {
  private final FactumStore root;
  private final String namespace;

  TenantMarkers(FactumStore root, String namespace) {
    this.root = root;
    this.namespace = namespace;
  }

  /** Marks {@code tenant} (once; a marked tenant costs one read). */
  void mark(TenantRecord tenant) {
    if (root.records().read(namespace, tenant.location()) == null) {
      root.records()
          .write(
              List.of(
                  RecordWrite.put(
                      namespace,
                      tenant.location(),
                      tenant.name().getBytes(StandardCharsets.UTF_8),
                      RecordWrite.ANY)));
    }
  }

  /** Deletes the marker of the tenant stored at {@code location}, if there is one. */
  void unmark(String location) {
    try {
      StoreRecord marker = root.records().read(namespace, location);
      if (marker != null) {
        root.records().write(List.of(RecordWrite.delete(namespace, location, marker.version())));
      }
    } catch (FactumException e) {
      // closing, or deleted meanwhile: a later pass deletes a stale marker again
    }
  }

  /**
   * The marked tenants that are live in {@code registry}; with {@code deleteStale} the markers of
   * others are deleted (at start-up; a follower on a shared storage must not, as its registry may
   * not have seen a tenant another server just created).
   */
  List<TenantRecord> live(TenantRegistry registry, boolean deleteStale) {
    List<TenantRecord> live = new ArrayList<>();
    for (StoreRecord marker : root.records().list(namespace)) {
      String name = new String(marker.value(), StandardCharsets.UTF_8);
      TenantRecord tenant = registry.get(name);
      if (tenant == null || !tenant.location().equals(marker.key())) {
        if (deleteStale) {
          unmark(marker.key());
        }
      } else {
        live.add(tenant);
      }
    }
    return live;
  }
}
