package dev.factum.api;

import java.util.Set;

/**
 * The reserved streams the store itself writes, besides {@value StreamDeletion#STREAM}: API keys
 * ({@value #KEYS}), tenants ({@value #TENANTS}) and the audit trail of administrative actions
 * ({@value #AUDIT}).
 *
 * <p>What must stay true: ordinary appends, deletes and reads of user streams can never name these
 * (every name starting with {@code $} is reserved); only the store's system append path writes
 * them, and the server shows them to admins only.
 */
public final class SystemStreams {
  /** API keys, event-sourced: {@code $key-created} and {@code $key-revoked} events. */
  public static final String KEYS = "$keys";

  /** One {@code $admin-action} event per administrative action: who, what, when. */
  public static final String AUDIT = "$audit";

  /** Tenants, event-sourced: {@code $tenant-created} and {@code $tenant-deleted} events. */
  public static final String TENANTS = "$tenants";

  /** The system streams the system append path may write. */
  public static final Set<String> APPENDABLE = Set.of(KEYS, AUDIT, TENANTS);

  private SystemStreams() {}

  /** True for the names of {@link #APPENDABLE} (false for null). */
  public static boolean isAppendable(String stream) {
    return stream != null && APPENDABLE.contains(stream);
  }

  /** True for any name reserved for the store (every name starting with {@code $}). */
  public static boolean isReserved(String stream) {
    return stream != null && !stream.isEmpty() && stream.charAt(0) == '$';
  }
}
