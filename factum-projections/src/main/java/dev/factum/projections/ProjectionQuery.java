package dev.factum.projections;

import java.util.List;

/**
 * A list query over one projection's documents, as Serialized's list and count take it.
 *
 * @param sort comma-separated keys, each optionally prefixed with {@code +} or {@code -}: {@code
 *     projectionId}, {@code reference}, {@code createdAt}, {@code updatedAt} or an indexed field;
 *     null for projection id order
 * @param reference only documents with this reference, or null
 * @param from only documents whose reference is at least this (numbers compared as numbers), or
 *     null
 * @param to only documents whose reference is at most this, or null
 * @param search only documents one of whose indexed fields contains this text (ignoring case)
 * @param ids only these projection ids (empty: all)
 */
public record ProjectionQuery(
    int skip,
    int limit,
    String sort,
    String reference,
    String from,
    String to,
    String search,
    List<String> ids) {
  public static final int MAX_LIMIT = 1_000;

  public ProjectionQuery {
    ids = List.copyOf(ids);
  }

  public static ProjectionQuery all() {
    return new ProjectionQuery(0, MAX_LIMIT, null, null, null, null, null, List.of());
  }

  /** Every document, or those with {@code reference} (when not null): what a count counts. */
  public static ProjectionQuery count(String reference) {
    return new ProjectionQuery(0, MAX_LIMIT, null, reference, null, null, null, List.of());
  }
}
