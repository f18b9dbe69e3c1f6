package dev.factum.api;

/**
 * The stable error codes of Factum. Each code's {@link #id()} is part of the public contract: the
 * HTTP API renders it as the {@code code} of a problem document and clients switch on it, so an id
 * is never renamed or reused.
 */
public enum ErrorCode {
  /** The stream was not at the revision the append or delete expected. */
  WRONG_EXPECTED_REVISION("wrong-expected-revision"),
  /**
   * An append's condition ({@link AppendCondition}) did not hold: an event matching its query
   * exists after its position. Nothing was written.
   */
  APPEND_CONDITION_FAILED("append-condition-failed"),
  /** The stream was tombstoned and can never be read or written again. */
  STREAM_DELETED("stream-deleted"),
  /** The stream never existed, or was soft-deleted and not recreated. */
  STREAM_NOT_FOUND("stream-not-found"),
  /**
   * Some event ids of an append are already committed, but not as the same events of the same
   * stream, so the append is neither new nor an exact retry.
   */
  IDEMPOTENCY_CONFLICT("idempotency-conflict"),
  /** The request was malformed; nothing was written. */
  INVALID_ARGUMENT("invalid-request"),
  /**
   * The request was over one of the documented {@link Limits} (see {@link LimitExceededException}
   * for which one, its maximum and the actual value); nothing was written.
   */
  LIMIT_EXCEEDED("limit-exceeded"),
  /** The store has been closed, or stopped itself after a fatal storage failure. */
  STORE_CLOSED("store-closed"),
  /**
   * The disk is full. The append that met it has an unknown outcome (it may or may not have reached
   * the log); later appends are refused before anything is written. The store does not stop: once
   * space is freed it resumes by itself. Retry with the same event ids.
   */
  STORAGE_FULL("storage-full"),
  /** The write queue is full; retry later. */
  OVERLOADED("overloaded"),
  /** Stored data failed its checksum or structural checks; the store refuses to serve it. */
  DATA_CORRUPTED("data-corrupted"),
  /** The data directory was written by a format version this build does not know. */
  UNSUPPORTED_FORMAT("unsupported-format"),
  /**
   * The storage failed in a way that leaves the outcome of in-flight writes unknown (for example a
   * failed fsync). A store on a local storage (RocksDB) stops itself, and reopening it recovers the
   * durable state; on a shared storage (PostgreSQL) only that batch fails, and the next one starts
   * from the committed state again.
   */
  STORAGE_FAILURE("storage-failure"),
  /** No valid API key was presented (missing, malformed, unknown, revoked or expired). */
  UNAUTHORIZED("unauthorized"),
  /** The key's role or stream scopes do not allow this; nothing was written. */
  FORBIDDEN("forbidden"),
  /** The key is over its request rate limit; retry after the given delay. */
  RATE_LIMITED("rate-limited"),
  /**
   * A conditional write of a store record (or of what is kept in one, such as a consumer group's
   * definition) found the record at another version than expected: someone changed it first.
   * Nothing was written; read it again and retry.
   */
  RECORD_CONFLICT("record-conflict"),
  /** No consumer group of that name exists (it was never created, or was deleted). */
  GROUP_NOT_FOUND("group-not-found"),
  /** A consumer group of that name exists already. */
  GROUP_EXISTS("group-exists"),
  /**
   * An ack, nack or park named an event that is not delivered to that consumer right now: it was
   * never delivered to it, was already acked or parked, or was handed to another consumer after a
   * timeout. Nothing changed.
   */
  NOT_DELIVERED("not-delivered"),
  /**
   * A stream's metadata was not at the metadata revision the write expected (a metadata revision
   * counts the stream's metadata writes, apart from its event revisions). Nothing was written.
   */
  WRONG_EXPECTED_METADATA_REVISION("wrong-expected-metadata-revision"),
  /**
   * {@code forget} named a data subject the store holds no key for: it never had an event, or it
   * was forgotten already (docs/LIFECYCLE.md, "Crypto-shredding"). Nothing changed.
   */
  SUBJECT_NOT_FOUND("subject-not-found"),
  /**
   * An event names a data subject, but the store was opened without a master key, so it cannot
   * encrypt that subject's data. Nothing was written.
   */
  ENCRYPTION_UNAVAILABLE("encryption-unavailable"),
  /**
   * The store's subject keys are encrypted under another master key than the one given (or none was
   * given): the store refuses to open and has changed nothing.
   */
  WRONG_MASTER_KEY("wrong-master-key");

  private final String id;

  ErrorCode(String id) {
    this.id = id;
  }

  /** The stable, lowercase, hyphenated identifier of this code. */
  public String id() {
    return id;
  }
}
