package dev.factum.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.api.AppendRequest;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StoreClosedException;
import dev.factum.api.StreamNotFoundException;
import dev.factum.api.SystemStreams;
import dev.factum.api.WrongExpectedRevisionException;
import dev.factum.engine.FactumStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The tenants that exist: built from the root store's {@code $tenants} stream and kept current by a
 * live subscription to it, like {@link KeyRegistry}, so a tenant created or deleted through any
 * server over one PostgreSQL database is honoured here as soon as that subscription delivers it.
 *
 * <p>What must stay true: events are applied in stream order, each once (by revision, whether the
 * subscription or a local catch-up delivers it first); a name has at most one live incarnation,
 * because every change is appended with the expected revision of {@code $tenants} this registry has
 * applied, so of two servers creating one name at once exactly one succeeds and the other, having
 * caught up, answers {@code tenant-exists}; a change made through this server applies here before
 * the call returns; every change is written with its audit record (and, for a deletion, the
 * revocation of every key of the tenant) in one atomic system append.
 */
final class TenantRegistry implements AutoCloseable {
  private static final int ATTEMPTS = 5;

  private final FactumStore store;
  private final Map<String, TenantRecord> live = new ConcurrentHashMap<>();
  private final SystemStreamFollower follower;
  private long applied = -1;
  private volatile Consumer<TenantRecord> deletionListener = tenant -> {};

  /** A registry without tenants, following nothing: a server without tenant storage. */
  private TenantRegistry() {
    this.store = null;
    this.follower = null;
  }

  private TenantRegistry(FactumStore store) {
    this.store = store;
    this.follower = SystemStreamFollower.start(store, SystemStreams.TENANTS, this::apply);
  }

  /**
   * A registry that knows no tenant and follows nothing, for a server without tenant storage: it
   * honours no key of a tenant (and holds no subscription on the store).
   */
  static TenantRegistry none() {
    return new TenantRegistry();
  }

  /** Reads every tenant of the store and follows {@code $tenants} from then on. */
  static TenantRegistry open(FactumStore store) {
    TenantRegistry registry = new TenantRegistry(store);
    registry.follower.awaitCaughtUp();
    return registry;
  }

  /**
   * Told each tenant deleted (here or through another server), once, after it is no longer live.
   */
  void onDeleted(Consumer<TenantRecord> listener) {
    this.deletionListener = listener;
  }

  private void apply(RecordedEvent event) {
    TenantRecord deleted = null;
    synchronized (this) {
      if (event.revision() <= applied) {
        return;
      }
      applied = event.revision();
      TenantRecord tenant = TenantRecord.of(event);
      switch (event.type()) {
        case TenantRecord.CREATED -> live.put(tenant.name(), tenant);
        case TenantRecord.DELETED -> {
          TenantRecord current = live.get(tenant.name());
          if (current != null && current.id().equals(tenant.id())) {
            live.remove(tenant.name());
            deleted = current;
          }
        }
        default -> {
          // a type this version does not know changes nothing it relies on
        }
      }
    }
    if (deleted != null) {
      deletionListener.accept(deleted);
    }
  }

  /** Applies whatever of {@code $tenants} this registry has not yet seen, reading it directly. */
  private void catchUp() {
    long from;
    synchronized (this) {
      from = applied + 1;
    }
    while (true) {
      ReadPage page;
      try {
        page = store.readStream(SystemStreams.TENANTS, from, Direction.FORWARD, 1000);
      } catch (StreamNotFoundException none) {
        return;
      }
      page.events().forEach(this::apply);
      if (page.endOfRead()) {
        return;
      }
      from = page.next();
    }
  }

  /** The live tenant of this name, or null. */
  TenantRecord get(String name) {
    return name == null ? null : live.get(name);
  }

  /** Whether the tenant of this name exists, in this incarnation. */
  boolean isLive(String name, String id) {
    TenantRecord tenant = get(name);
    return tenant != null && tenant.id().equals(id);
  }

  /** Every live tenant, by name. */
  List<TenantRecord> list() {
    return live.values().stream().sorted(Comparator.comparing(TenantRecord::name)).toList();
  }

  int size() {
    return live.size();
  }

  /**
   * Writes the creation of {@code tenant} (a {@link TenantRecord#fresh} record); false when a
   * tenant of that name exists (here, or after catching up with another server's change).
   */
  boolean create(TenantRecord tenant, Principal by) {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      long expected;
      synchronized (this) {
        if (live.containsKey(tenant.name())) {
          return false;
        }
        expected = applied;
      }
      try {
        write(expected, tenant.createdEvent(), audit("tenant-created", tenant, by), List.of());
        catchUp();
        return true;
      } catch (WrongExpectedRevisionException raced) {
        catchUp();
      }
    }
    throw new StoreClosedException("$tenants kept changing; try again");
  }

  /**
   * Writes the deletion of {@code tenant} with {@code alsoWritten} (the revocations of its keys);
   * false when it is no longer live.
   */
  boolean delete(TenantRecord tenant, Principal by, List<AppendRequest> alsoWritten) {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      long expected;
      synchronized (this) {
        if (!isLive(tenant.name(), tenant.id())) {
          return false;
        }
        expected = applied;
      }
      try {
        write(
            expected,
            tenant.deletedEvent(by.keyId()),
            audit("tenant-deleted", tenant, by),
            alsoWritten);
        catchUp();
        return true;
      } catch (WrongExpectedRevisionException raced) {
        catchUp();
      }
    }
    throw new StoreClosedException("$tenants kept changing; try again");
  }

  private static ObjectNode audit(String action, TenantRecord tenant, Principal by) {
    ObjectNode audit = KeyRegistry.auditOf(action, by);
    audit.put("tenant", tenant.name());
    audit.put("tenantId", tenant.id());
    return audit;
  }

  private void write(
      long expected, EventData event, ObjectNode audit, List<AppendRequest> alsoWritten) {
    List<AppendRequest> parts = new ArrayList<>();
    parts.add(
        AppendRequest.of(
            SystemStreams.TENANTS,
            expected < 0 ? ExpectedRevision.noStream() : ExpectedRevision.exact(expected),
            event));
    parts.addAll(alsoWritten);
    parts.add(
        AppendRequest.of(
            SystemStreams.AUDIT,
            ExpectedRevision.any(),
            EventData.json(KeyRegistry.AUDIT_TYPE, KeyRecord.bytes(audit))));
    store.appendSystem(parts);
  }

  @Override
  public void close() {
    if (follower != null) {
      follower.close();
    }
  }
}
