package dev.factum.server;

import dev.factum.api.AppendRequest;
import dev.factum.api.UnauthorizedException;
import dev.factum.engine.FactumStore;
import dev.factum.engine.TenantStorage;
import dev.factum.wire.ProblemCode;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The store each principal acts on, and the life of tenants' stores: the root store for principals
 * without a tenant; for a tenant's, that tenant's own store, opened on first use and cached.
 *
 * <p>What must stay true: a principal of tenant T is only ever handed T's store (its current
 * incarnation), never the root store or another's; a tenant's store is created before its creation
 * is written (a failed write deletes it again) and closed when its deletion is applied, here or
 * through another server; only the server that deleted a tenant removes its data, after the
 * deletion (with the revocation of its keys) is durable; every cached store is closed with the
 * server; the {@link StoreListener} hears of each store's opening before it is handed to anyone and
 * of its closing before it closes. Without a {@link TenantStorage} (a server started without one)
 * tenants cannot be created: {@code tenants-not-configured}.
 */
final class TenantStores implements AutoCloseable {
  private final FactumStore root;
  private final TenantStorage storage;
  private final TenantRegistry registry;
  private final KeyRegistry keys;
  private final Clock clock;
  private final Map<String, FactumStore> open = new ConcurrentHashMap<>();
  private final List<StoreListener> listeners = new CopyOnWriteArrayList<>();
  private final StoreListener listener = new Broadcast();

  /**
   * Told of each tenant's store this server opens (or creates) and, before it closes it, of its
   * closing: what runs beside a store (its Serialized reactor, its sinks and webhooks) starts and
   * stops with it. Called once per store and incarnation, on the thread that opens or closes it.
   */
  interface StoreListener {
    /** {@code store}, of {@code tenant}, has just been opened. */
    void opened(TenantRecord tenant, FactumStore store);

    /** {@code store} is about to be closed; {@code deleted}: because its tenant was deleted. */
    void closing(String location, FactumStore store, boolean deleted);
  }

  TenantStores(
      FactumStore root,
      TenantStorage storage,
      TenantRegistry registry,
      KeyRegistry keys,
      Clock clock) {
    this.root = root;
    this.storage = storage;
    this.registry = registry;
    this.keys = keys;
    this.clock = clock;
    registry.onDeleted(tenant -> evict(tenant.location(), true));
  }

  /**
   * Adds a listener of tenants' stores (before any request is served): the Serialized reactors and
   * the forwarders each have one, told in the order they were added.
   */
  void onStores(StoreListener added) {
    listeners.add(added);
  }

  /** Tells every listener; one that fails does not keep the others from hearing. */
  private final class Broadcast implements StoreListener {
    @Override
    public void opened(TenantRecord tenant, FactumStore store) {
      tell(one -> one.opened(tenant, store));
    }

    @Override
    public void closing(String location, FactumStore store, boolean deleted) {
      tell(one -> one.closing(location, store, deleted));
    }

    private void tell(Consumer<StoreListener> call) {
      RuntimeException failure = null;
      for (StoreListener one : listeners) {
        try {
          call.accept(one);
        } catch (RuntimeException e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
    }
  }

  TenantRegistry registry() {
    return registry;
  }

  /**
   * The store {@code principal} acts on. A tenant's key was checked live when it authenticated;
   * should its tenant be deleted meanwhile, the store opened for it is closed again at once.
   */
  FactumStore storeOf(Principal principal) {
    if (principal.root()) {
      return root;
    }
    TenantRecord tenant = registry.get(principal.tenant());
    if (tenant == null || storage == null) {
      throw new UnauthorizedException("a valid API key is required");
    }
    return openStoreOf(tenant);
  }

  /**
   * The store of {@code tenant}, opened if it was not (at start-up, for the tenants whose reactions
   * must run without waiting for a request); closed again at once if the tenant is no longer live.
   */
  FactumStore openStoreOf(TenantRecord tenant) {
    if (storage == null) {
      throw new UnauthorizedException("a valid API key is required");
    }
    FactumStore store =
        open.computeIfAbsent(
            tenant.location(),
            location -> {
              FactumStore opened = storage.open(location);
              listener.opened(tenant, opened);
              return opened;
            });
    if (!registry.isLive(tenant.name(), tenant.id())) {
      evict(tenant.location(), true);
    }
    return store;
  }

  /**
   * Creates a tenant: its empty store first, then its record.
   *
   * @throws HttpProblem {@code invalid-request} for a bad name, {@code tenant-exists}, or {@code
   *     tenants-not-configured}
   */
  TenantRecord create(String name, Principal by) {
    if (!TenantRecord.validName(name)) {
      throw HttpProblem.badRequest(
          "a tenant name is 1 to 30 characters of a-z, 0-9 and -, starting and ending with a"
              + " letter or digit");
    }
    requireStorage();
    if (registry.get(name) != null) {
      throw exists(name);
    }
    TenantRecord tenant = TenantRecord.fresh(name, by.keyId(), clock.instant());
    FactumStore store = storage.create(tenant.location());
    boolean created = false;
    try {
      created = registry.create(tenant, by);
    } finally {
      if (!created) {
        store.close();
        storage.delete(tenant.location());
      }
    }
    if (!created) {
      throw exists(name);
    }
    listener.opened(tenant, store);
    open.put(tenant.location(), store);
    return registry.get(name);
  }

  /**
   * Deletes a tenant: its deletion and the revocation of its keys in one write, then its store is
   * closed and its data removed.
   *
   * @throws HttpProblem {@code tenant-not-found}
   */
  TenantRecord delete(String name, Principal by) {
    TenantRecord tenant = registry.get(name);
    if (tenant == null) {
      throw notFound();
    }
    List<AppendRequest> revocations = keys.revocationsOf(tenant, by);
    if (!registry.delete(tenant, by, revocations)) {
      throw notFound();
    }
    keys.revokedWithTenant(tenant);
    evict(tenant.location(), true);
    if (storage != null) {
      storage.delete(tenant.location());
    }
    return tenant;
  }

  private void requireStorage() {
    if (storage == null) {
      throw new HttpProblem(
          ProblemCode.TENANTS_NOT_CONFIGURED,
          "this server was started without tenant storage, so it cannot create tenants");
    }
  }

  static HttpProblem notFound() {
    return new HttpProblem(ProblemCode.TENANT_NOT_FOUND, "no such tenant");
  }

  private static HttpProblem exists(String name) {
    return new HttpProblem(ProblemCode.TENANT_EXISTS, "a tenant named '" + name + "' exists");
  }

  /**
   * Closes a cached store. The listener is told first, while the store is still cached (it may be
   * told twice when two threads evict at once: the deletion applied, and the delete that wrote it);
   * whichever removes the store closes it at once, so the one that deletes the data next finds it
   * closed, as before the listener existed.
   */
  private void evict(String location, boolean deleted) {
    FactumStore store = open.get(location);
    if (store == null) {
      return;
    }
    try {
      listener.closing(location, store, deleted);
    } finally {
      if (open.remove(location, store)) {
        store.close();
      }
    }
  }

  /** The tenants' stores this server has open now (the scavenging schedule visits them). */
  List<FactumStore> openTenantStores() {
    return List.copyOf(open.values());
  }

  /** How many tenants' stores this server has open now. */
  int openStores() {
    return open.size();
  }

  @Override
  public void close() {
    for (String location : List.copyOf(open.keySet())) {
      evict(location, false);
    }
  }
}
