package dev.factum.server;

import dev.factum.api.AppendRequest;
import dev.factum.api.AppendResult;
import dev.factum.api.Direction;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.ForbiddenException;
import dev.factum.api.ImportResult;
import dev.factum.api.LogFilter;
import dev.factum.api.MultiAppendResult;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamDeletion;
import dev.factum.api.StreamState;
import dev.factum.api.Subscription;
import dev.factum.api.SubscriptionListener;
import dev.factum.api.SubscriptionRequest;
import dev.factum.api.SystemStreams;
import dev.factum.engine.FactumStore;
import dev.factum.engine.StoreOptions;
import dev.factum.engine.spi.StreamHead;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    return store.append(request);
  }

  MultiAppendResult appendAll(List<AppendRequest> requests) {
    if (requests != null) {
      for (AppendRequest part : requests) {
        requireWrite(part == null ? null : part.stream());
      }
    }
    return store.appendAll(requests);
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
            return new ReadPage(kept, direction == Direction.FORWARD ? at + 1 : at - 1, false);
          }
        }
      }
      scanned += events.size();
      if (page.endOfRead() || kept.size() == limit || scanned >= scanBudget) {
        return new ReadPage(kept, page.next(), page.endOfRead());
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
}
