package dev.factum.server;

import dev.factum.api.AppendRequest;
import dev.factum.api.AppendResult;
import dev.factum.api.ChainAnchor;
import dev.factum.api.ChainHead;
import dev.factum.api.Direction;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.ForbiddenException;
import dev.factum.api.ImportResult;
import dev.factum.api.LogFilter;
import dev.factum.api.MultiAppendResult;
import dev.factum.api.Query;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamDeletion;
import dev.factum.api.StreamMetadata;
import dev.factum.api.StreamPage;
import dev.factum.api.StreamQuery;
import dev.factum.api.StreamState;
import dev.factum.api.Subscription;
import dev.factum.api.SubscriptionListener;
import dev.factum.api.SubscriptionRequest;
import dev.factum.api.SystemStreams;
import dev.factum.api.VersionedStreamMetadata;
import dev.factum.api.groups.ConsumerGroups;
import dev.factum.api.groups.Delivery;
import dev.factum.api.groups.GroupDefinition;
import dev.factum.api.groups.GroupSettings;
import dev.factum.api.groups.GroupSource;
import dev.factum.api.groups.GroupStatus;
import dev.factum.api.groups.ParkedEvent;
import dev.factum.api.scavenge.ScavengeStatus;
import dev.factum.api.snapshots.Snapshot;
import dev.factum.engine.FactumStore;
import dev.factum.engine.NameRange;
import dev.factum.engine.StoreOptions;
import dev.factum.engine.spi.BackupReport;
import dev.factum.engine.spi.StreamHead;
import dev.factum.engine.spi.VerifyReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The store as one principal may use it: what every resource is handed instead of the store, so no
 * route can forget a check.
 *
 * <p>What must stay true:
 *
 * <ul>
 *   <li>Writes need the writer role and every named stream in scope, checked for all parts before
 *       anything is submitted (a multi-stream append with one stream out of scope writes nothing);
 *       imports need admin.
 *   <li>Reads of one stream out of scope are refused ({@code forbidden}); the system streams {@code
 *       $keys} and {@code $audit} are admin only; a {@code $deletions} event is visible iff the
 *       stream it deletes is.
 *   <li>Reads of the global log and log subscriptions are filtered, never refused: only visible
 *       events are returned, at their real positions. A filtered page scans at most {@link
 *       #SCAN_BUDGET} events; it may then be empty and not at the end, and its {@code next} still
 *       moves on, so paging terminates and never skips a visible event.
 *   <li>An unscoped admin sees the store itself (no filtering cost).
 *   <li>Consumer groups: managing them (create, update, delete, replay or skip parked events) needs
 *       admin; using one (status, poll, ack, nack, park, leave, parked list, processed) needs a key
 *       that could read the group's whole source ({@link #covers}): a scoped key only a group over
 *       one stream or categories inside its scope, a non-admin key none that can deliver the system
 *       streams' events. An ack-append needs that and write access to the stream written.
 *   <li>Sinks and webhooks: an unscoped admin of the store only ({@link #forwarding}).
 * </ul>
 */
final class AuthorizedStore {
  static final int SCAN_BUDGET = 10_000;

  private final FactumStore store;
  private final Principal principal;
  private final boolean seesEverything;
  private final int scanBudget;
  private final BooleanSupplier stillValid;

  /** With the check of the principal's key that long-lived feeds repeat (expiry). */
  AuthorizedStore(FactumStore store, Principal principal, BooleanSupplier stillValid) {
    this(store, principal, stillValid, SCAN_BUDGET);
  }

  /** With a smaller scan budget, for tests of pages that find nothing visible. */
  AuthorizedStore(FactumStore store, Principal principal, int scanBudget) {
    this(store, principal, () -> true, scanBudget);
  }

  private AuthorizedStore(
      FactumStore store, Principal principal, BooleanSupplier stillValid, int scanBudget) {
    this.store = store;
    this.principal = principal;
    this.seesEverything = principal.role() == Role.ADMIN && principal.scopes().unrestricted();
    this.stillValid = stillValid;
    this.scanBudget = scanBudget;
  }

  Principal principal() {
    return principal;
  }

  /** Whether the principal's key is still valid (false once it expired or was revoked). */
  boolean stillValid() {
    return stillValid.getAsBoolean();
  }

  StoreOptions options() {
    return store.options();
  }

  long headPosition() {
    return store.headPosition();
  }

  boolean awaitHeadBeyond(long position, Duration timeout) throws InterruptedException {
    return store.awaitHeadBeyond(position, timeout);
  }

  private void requireWrite(String stream) {
    if (!principal.role().allows(Permission.WRITE) || !writable(stream)) {
      throw new ForbiddenException("this API key may not write here");
    }
  }

  private boolean writable(String stream) {
    // A reserved name is refused by the store itself (invalid-request), whatever the key.
    return seesEverything || SystemStreams.isReserved(stream) || principal.scopes().allows(stream);
  }

  /** Whether one stream may be read as a whole (its events then all visible, or filtered). */
  private void requireRead(String stream) {
    if (seesEverything || stream == null) {
      return;
    }
    if (SystemStreams.isAppendable(stream)) {
      if (principal.role() != Role.ADMIN) {
        throw new ForbiddenException("this API key may not read here");
      }
      return;
    }
    if (SystemStreams.isReserved(stream)) {
      return; // $deletions is filtered; any other reserved name is refused by the store
    }
    if (!principal.scopes().allows(stream)) {
      throw new ForbiddenException("this API key may not read here");
    }
  }

  /** Whether this principal may see one event of the log. */
  boolean visible(RecordedEvent event) {
    if (seesEverything) {
      return true;
    }
    String stream = event.stream();
    if (SystemStreams.isAppendable(stream)) {
      return principal.role() == Role.ADMIN;
    }
    if (StreamDeletion.STREAM.equals(stream)) {
      return StreamDeletion.of(event)
          .map(deletion -> principal.scopes().allows(deletion.stream()))
          .orElse(false);
    }
    return principal.scopes().allows(stream);
  }

  private boolean filtersStream(String stream) {
    return !seesEverything && StreamDeletion.STREAM.equals(stream);
  }

  AppendResult append(AppendRequest request) {
    requireWrite(request == null ? null : request.stream());
    requireConditionVisible(request);
    return store.append(request);
  }

  MultiAppendResult appendAll(List<AppendRequest> requests) {
    if (requests != null) {
      for (AppendRequest part : requests) {
        requireWrite(part == null ? null : part.stream());
        requireConditionVisible(part);
      }
    }
    return store.appendAll(requests);
  }

  /**
   * A DCB condition is judged over the whole log, so its outcome (and the conflicting position it
   * names) tells about every event its query can match: a key may only use one whose matches it
   * could read. A key with stream scopes may use none; a non-admin key none that can match the
   * system streams' events (which carry {@code $}-types and no tags).
   */
  private void requireConditionVisible(AppendRequest request) {
    if (seesEverything || request == null || request.condition() == null) {
      return;
    }
    if (!principal.scopes().unrestricted()) {
      throw new ForbiddenException("this API key may not use append conditions");
    }
    if (principal.role() != Role.ADMIN) {
      for (Query.Item item : request.condition().failIfEventsMatch().items()) {
        boolean systemTypes =
            item.types().isEmpty()
                ? item.tags().isEmpty()
                : item.types().stream().anyMatch(type -> type.startsWith("$"));
        if (systemTypes) {
          throw new ForbiddenException("this API key may not use this append condition");
        }
      }
      if (request.condition().failIfEventsMatch().items().isEmpty()) {
        throw new ForbiddenException("this API key may not use this append condition");
      }
    }
  }

  StreamState delete(String stream, ExpectedRevision expected) {
    requireWrite(stream);
    return store.delete(stream, expected);
  }

  StreamState tombstone(String stream, ExpectedRevision expected) {
    requireWrite(stream);
    return store.tombstone(stream, expected);
  }

  ImportResult importEvents(List<RecordedEvent> events) {
    if (principal.role() != Role.ADMIN) {
      throw new ForbiddenException("only an admin key may import");
    }
    return store.importEvents(events);
  }

  StreamState streamState(String stream) {
    requireRead(stream);
    return store.streamState(stream);
  }

  /**
   * A stream listing narrowed to the key's scopes by seeking (each scope prefix or category is a
   * {@link NameRange}), never by filtering a scan, so a page costs the same for a scoped key. The
   * system streams are listed for an unscoped admin only (who asks for them).
   */
  StreamPage listStreams(StreamQuery query) {
    if (seesEverything) {
      return store.listStreams(query);
    }
    Scopes scopes = principal.scopes();
    List<NameRange> allowed = new ArrayList<>();
    if (scopes.unrestricted()) {
      allowed.add(NameRange.ALL);
    }
    scopes.prefixes().forEach(prefix -> allowed.add(NameRange.prefix(prefix)));
    scopes.categories().forEach(category -> allowed.addAll(NameRange.category(category)));
    return store.listStreams(query.withSystem(false), allowed);
  }

  StreamHead streamHead(String stream) {
    requireRead(stream);
    return store.streamHead(stream);
  }

  ReadPage readStream(String stream, long from, Direction direction, int limit) {
    requireRead(stream);
    if (!filtersStream(stream)) {
      return store.readStream(stream, from, direction, limit);
    }
    return filtered(
        (cursor, max) -> store.readStream(stream, cursor, direction, max),
        from,
        direction,
        limit,
        RecordedEvent::revision);
  }

  ReadPage readAll(long from, Direction direction, int limit, LogFilter filter) {
    if (seesEverything) {
      return store.readAll(from, direction, limit, filter);
    }
    return filtered(
        (cursor, max) -> store.readAll(cursor, direction, max, filter),
        from,
        direction,
        limit,
        RecordedEvent::position);
  }

  private interface PageSource {
    ReadPage read(long cursor, int limit);
  }

  private interface CursorOf {
    long of(RecordedEvent event);
  }

  /** Reads pages from {@code from}, keeping visible events, until a page's worth or the budget. */
  private ReadPage filtered(
      PageSource source, long from, Direction direction, int limit, CursorOf cursorOf) {
    List<RecordedEvent> kept = new ArrayList<>(Math.min(limit, 256));
    long cursor = from;
    int scanned = 0;
    while (true) {
      // Pages of at least 256 events while scanning, so a sparse scope costs few store calls.
      int raw = Math.min(Math.max(limit, 256), store.options().limits().maxReadLimit());
      ReadPage page = source.read(cursor, Math.min(raw, scanBudget - scanned));
      List<RecordedEvent> events = page.events();
      for (int i = 0; i < events.size(); i++) {
        RecordedEvent event = events.get(i);
        if (visible(event)) {
          kept.add(event);
          if (kept.size() == limit && i < events.size() - 1) {
            long at = cursorOf.of(event);
            return new ReadPage(
                kept,
                direction == Direction.FORWARD ? at + 1 : at - 1,
                false,
                page.firstRevision());
          }
        }
      }
      scanned += events.size();
      if (page.endOfRead() || kept.size() == limit || scanned >= scanBudget) {
        return new ReadPage(kept, page.next(), page.endOfRead(), page.firstRevision());
      }
      cursor = page.next();
    }
  }

  Subscription subscribe(SubscriptionRequest request, SubscriptionListener listener) {
    if (request.isStream()) {
      requireRead(request.stream());
    }
    if (seesEverything || (request.isStream() && !filtersStream(request.stream()))) {
      return store.subscribe(request, listener);
    }
    return store.subscribe(
        request,
        new SubscriptionListener() {
          @Override
          public void onEvent(RecordedEvent event) throws Exception {
            if (visible(event)) {
              listener.onEvent(event);
            }
          }

          @Override
          public void onBatchDelivered() {
            listener.onBatchDelivered();
          }

          @Override
          public void onCaughtUp() {
            listener.onCaughtUp();
          }

          @Override
          public void onClose(Throwable cause) {
            listener.onClose(cause);
          }
        });
  }

  // ---- snapshots ---------------------------------------------------------------------------

  /** Saving a stream's snapshot needs write access to the stream, as appending to it does. */
  boolean saveSnapshot(Snapshot snapshot) {
    requireWrite(snapshot.stream());
    return store.snapshots().save(snapshot);
  }

  /** Reading a stream's snapshot needs read access to the stream, as reading its events does. */
  Optional<Snapshot> loadSnapshot(String stream) {
    requireRead(stream);
    return store.snapshots().load(stream);
  }

  // ---- stream metadata ---------------------------------------------------------------------

  /** Reading a stream's metadata needs read access to the stream, as reading its events does. */
  VersionedStreamMetadata streamMetadata(String stream) {
    requireRead(stream);
    return store.streamMetadata(stream);
  }

  /** Setting a stream's metadata needs write access to the stream: it changes what reads see. */
  long setStreamMetadata(String stream, ExpectedRevision expected, StreamMetadata metadata) {
    requireWrite(stream);
    return store.setStreamMetadata(stream, expected, metadata);
  }

  // ---- consumer groups ---------------------------------------------------------------------

  private ConsumerGroups groups() {
    return store.consumerGroups();
  }

  private void requireAdmin() {
    if (principal.role() != Role.ADMIN) {
      throw new ForbiddenException("only an admin key may manage consumer groups");
    }
  }

  /** Whether every event the source can deliver is one this principal may read. */
  boolean covers(GroupSource source) {
    if (seesEverything) {
      return true;
    }
    if (source.isStream()) {
      return !SystemStreams.isReserved(source.stream())
          && principal.scopes().allows(source.stream());
    }
    LogFilter filter = source.filter();
    if (filter.kind() == LogFilter.Kind.CATEGORY) {
      return filter.values().stream().allMatch(this::coversCategory);
    }
    if (!principal.scopes().unrestricted() || principal.role() == Role.ADMIN) {
      // A scoped key: only streams or categories; an unscoped admin saw everything above.
      return principal.scopes().unrestricted();
    }
    // An unscoped non-admin key: any source that cannot match the system streams' events (they
    // carry $-types and no tags).
    return switch (filter.kind()) {
      case TAG -> true;
      case TYPE -> filter.values().stream().noneMatch(type -> type.startsWith("$"));
      case QUERY ->
          filter.query().items().stream()
              .allMatch(
                  item ->
                      item.types().isEmpty()
                          ? !item.tags().isEmpty()
                          : item.types().stream().noneMatch(type -> type.startsWith("$")));
      default -> false;
    };
  }

  private boolean coversCategory(String category) {
    if (category.startsWith("$")) {
      return principal.role() == Role.ADMIN && principal.scopes().unrestricted();
    }
    Scopes scopes = principal.scopes();
    return scopes.unrestricted()
        || scopes.categories().contains(category)
        || scopes.prefixes().stream().anyMatch(category::startsWith);
  }

  /** The group, if this principal may use it; an unknown group is group-not-found for anyone. */
  private GroupStatus requireUse(String group) {
    GroupStatus status = groups().status(group);
    if (!covers(status.definition().source())) {
      throw new ForbiddenException("this API key may not use this consumer group");
    }
    return status;
  }

  GroupStatus createGroup(GroupDefinition definition) {
    requireAdmin();
    if (definition != null && definition.source() != null && !covers(definition.source())) {
      throw new ForbiddenException("this API key may not read this group's source");
    }
    return groups().create(definition);
  }

  GroupStatus updateGroup(String group, GroupSettings settings) {
    requireAdmin();
    requireUse(group);
    return groups().update(group, settings);
  }

  void deleteGroup(String group) {
    requireAdmin();
    requireUse(group);
    groups().delete(group);
  }

  GroupStatus groupStatus(String group) {
    return requireUse(group);
  }

  /** The groups this principal may use (the others are not listed). */
  List<GroupStatus> listGroups() {
    return groups().list().stream().filter(s -> covers(s.definition().source())).toList();
  }

  List<Delivery> poll(String group, String consumer, int max, Duration wait) {
    requireUse(group);
    return groups().poll(group, consumer, max, wait);
  }

  void ack(String group, String consumer, long position) {
    requireUse(group);
    groups().ack(group, consumer, position);
  }

  void nack(String group, String consumer, long position, String reason) {
    requireUse(group);
    groups().nack(group, consumer, position, reason);
  }

  void park(String group, String consumer, long position, String reason) {
    requireUse(group);
    groups().park(group, consumer, position, reason);
  }

  void leave(String group, String consumer) {
    requireUse(group);
    groups().leave(group, consumer);
  }

  AppendResult appendAndAck(
      String group, String consumer, List<Long> positions, AppendRequest request) {
    requireUse(group);
    requireWrite(request == null ? null : request.stream());
    requireConditionVisible(request);
    return groups().appendAndAck(group, consumer, positions, request);
  }

  List<ParkedEvent> parked(String group) {
    requireUse(group);
    return groups().parked(group);
  }

  void replayParked(String group, long position) {
    requireAdmin();
    requireUse(group);
    groups().replayParked(group, position);
  }

  void skipParked(String group, long position) {
    requireAdmin();
    requireUse(group);
    groups().skipParked(group, position);
  }

  boolean awaitProcessed(String group, long position, Duration timeout) {
    requireUse(group);
    return groups().awaitProcessed(group, position, timeout);
  }

  /**
   * The store, for its declarative projections over aggregate type {@code feed} (null: only to look
   * a definition up, before its feed is known): refused unless the key could read the feed's whole
   * category. The route's permission has checked the role (writer for changes).
   */
  FactumStore projections(String feed) {
    if (feed != null && !mayReadFeed(feed)) {
      throw new ForbiddenException("this API key may not read this projection's feed");
    }
    return store;
  }

  /** The store's hash chain head ({@link FactumStore#chainHead}); the route checked the role. */
  ChainHead chainHead() {
    return store.chainHead();
  }

  /** The whole store's verify, chain and anchor included; the route checked the role (admin). */
  VerifyReport verify(ChainAnchor anchor) {
    return store.verify(anchor);
  }

  /**
   * Forgets a data subject of this store (crypto-shredding, {@link FactumStore#forget}). The
   * route's permission has checked the role (admin); a tenant's admin reaches only the tenant's own
   * store.
   */
  void forget(String subject) {
    store.forget(subject);
  }

  /**
   * The store, for its Kafka sinks and webhooks (docs/KAFKA.md, docs/WEBHOOKS.md): an admin key
   * without stream scopes only, since a sink or webhook forwards whatever its filter names, the
   * system streams' events aside. The store is the key's own (the root store, or its tenant's), so
   * one tenant's admin never reaches another's forwarders, nor the root store's.
   */
  FactumStore forwarding() {
    if (!seesEverything) {
      throw new ForbiddenException(
          "only an admin key without stream scopes may manage sinks and webhooks");
    }
    return store;
  }

  /**
   * Backs the whole store up into {@code directory} ({@link FactumStore#backup}). The route's
   * permission has checked the role (admin), and the caller chose the directory from the server's
   * settings, never from the request.
   */
  BackupReport backup(Path directory) {
    return store.backup(directory);
  }

  /**
   * Starts scavenging the whole store ({@link FactumStore#startScavenge}): the route's permission
   * has checked the role (admin); a tenant's admin holds its tenant's store, never another's.
   */
  ScavengeStatus startScavenge(long eventsPerSecond) {
    return store.startScavenge(eventsPerSecond);
  }

  /** The store's scavenging status (admin role, checked by the route). */
  ScavengeStatus scavengeStatus() {
    return store.scavengeStatus();
  }

  /**
   * The store, for its Serialized reactions on aggregate type {@code feed} (null: to list them or
   * look one up, before its feed is known): refused unless the key could read the feed's whole
   * category. The route's permission has checked the role.
   */
  FactumStore reactions(String feed) {
    return projections(feed);
  }

  /** Whether the key could read the whole category {@code feed}. */
  boolean mayReadFeed(String feed) {
    return seesEverything || coversCategory(feed);
  }
}
