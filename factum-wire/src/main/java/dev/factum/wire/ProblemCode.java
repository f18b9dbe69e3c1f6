package dev.factum.wire;

import dev.factum.api.ErrorCode;
import java.util.Optional;

/**
 * Every {@code code} a problem document of the v1 API can carry, with the HTTP status it is always
 * sent with and its title: the store's {@link ErrorCode}s and the HTTP layer's own codes, in one
 * table.
 *
 * <p>What must stay true: a code's id is spelled only here (for a store code, in {@link ErrorCode}
 * and taken from it), and every code has its own title. The server renders problems from this
 * table, and the client maps them back by it; {@code docs/HTTP.md} and the OpenAPI document list
 * the same codes (a server test keeps them in step).
 */
public enum ProblemCode {
  WRONG_EXPECTED_REVISION(
      ErrorCode.WRONG_EXPECTED_REVISION, 409, "The stream is not at the expected revision"),
  APPEND_CONDITION_FAILED(
      ErrorCode.APPEND_CONDITION_FAILED, 409, "An event matching the append condition exists"),
  IDEMPOTENCY_CONFLICT(
      ErrorCode.IDEMPOTENCY_CONFLICT, 409, "Event ids are already used by other events"),
  STREAM_DELETED(ErrorCode.STREAM_DELETED, 410, "The stream is tombstoned"),
  STREAM_NOT_FOUND(ErrorCode.STREAM_NOT_FOUND, 404, "The stream does not exist"),
  INVALID_REQUEST(ErrorCode.INVALID_ARGUMENT, 400, "The request is invalid"),
  LIMIT_EXCEEDED(ErrorCode.LIMIT_EXCEEDED, 413, "The request is over a limit of the store"),
  OVERLOADED(ErrorCode.OVERLOADED, 503, "The server is overloaded; retry shortly"),
  STORE_CLOSED(ErrorCode.STORE_CLOSED, 503, "The store is closed"),
  STORAGE_FULL(ErrorCode.STORAGE_FULL, 507, "The disk is full"),
  DATA_CORRUPTED(ErrorCode.DATA_CORRUPTED, 500, "Stored data failed its integrity check"),
  UNSUPPORTED_FORMAT(
      ErrorCode.UNSUPPORTED_FORMAT, 500, "The stored data is in a format this server cannot read"),
  STORAGE_FAILURE(ErrorCode.STORAGE_FAILURE, 500, "The storage failed"),
  UNAUTHORIZED(ErrorCode.UNAUTHORIZED, 401, "A valid API key is required"),
  FORBIDDEN(ErrorCode.FORBIDDEN, 403, "The API key does not allow this"),
  RATE_LIMITED(ErrorCode.RATE_LIMITED, 429, "The API key is over its request rate; retry shortly"),
  RECORD_CONFLICT(ErrorCode.RECORD_CONFLICT, 409, "The record was changed concurrently"),
  GROUP_NOT_FOUND(ErrorCode.GROUP_NOT_FOUND, 404, "The consumer group does not exist"),
  GROUP_EXISTS(ErrorCode.GROUP_EXISTS, 409, "The consumer group exists already"),
  NOT_DELIVERED(ErrorCode.NOT_DELIVERED, 409, "The event is not delivered to this consumer"),
  WRONG_EXPECTED_METADATA_REVISION(
      ErrorCode.WRONG_EXPECTED_METADATA_REVISION,
      409,
      "The stream's metadata is not at the expected metadata revision"),
  SUBJECT_NOT_FOUND(
      ErrorCode.SUBJECT_NOT_FOUND, 404, "The store holds no key for the data subject"),
  ENCRYPTION_UNAVAILABLE(
      ErrorCode.ENCRYPTION_UNAVAILABLE, 409, "The server has no master key to encrypt with"),
  WRONG_MASTER_KEY(
      ErrorCode.WRONG_MASTER_KEY, 500, "The store's keys are under another master key"),
  PAYLOAD_TOO_LARGE("payload-too-large", 413, "The request body is over the server's size cap"),
  UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", 415, "The content type is not supported"),
  METHOD_NOT_ALLOWED("method-not-allowed", 405, "The method is not allowed on this resource"),
  NOT_FOUND("not-found", 404, "No such resource"),
  TENANT_NOT_FOUND("tenant-not-found", 404, "The tenant does not exist"),
  TENANT_EXISTS("tenant-exists", 409, "A tenant of that name exists already"),
  WEBHOOK_NOT_FOUND("webhook-not-found", 404, "The webhook does not exist"),
  WEBHOOK_EXISTS("webhook-exists", 409, "A webhook of that name exists already"),
  SINK_NOT_FOUND("sink-not-found", 404, "The sink does not exist"),
  SINK_EXISTS("sink-exists", 409, "A sink of that name exists already"),
  PROJECTION_NOT_FOUND("projection-not-found", 404, "The projection does not exist"),
  REACTION_NOT_FOUND(
      "reaction-not-found", 404, "The reaction or reaction definition does not exist"),
  TENANTS_NOT_CONFIGURED("tenants-not-configured", 409, "This server has no storage for tenants"),
  BACKUP_UNAVAILABLE("backup-unavailable", 409, "This server cannot back its store up over HTTP"),
  SCAVENGE_UNAVAILABLE("scavenge-unavailable", 409, "This store's storage cannot scavenge"),
  INTERNAL_ERROR("internal-error", 500, "The server failed");

  private final String id;
  private final int status;
  private final String title;
  private final ErrorCode errorCode;

  ProblemCode(ErrorCode errorCode, int status, String title) {
    this(errorCode.id(), status, title, errorCode);
  }

  ProblemCode(String id, int status, String title) {
    this(id, status, title, null);
  }

  ProblemCode(String id, int status, String title, ErrorCode errorCode) {
    this.id = id;
    this.status = status;
    this.title = title;
    this.errorCode = errorCode;
  }

  /** The stable code, as in {@code "code": "…"}. */
  public String id() {
    return id;
  }

  /** The HTTP status a problem with this code is always sent with. */
  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  /** The store's code this problem stands for; empty for the HTTP layer's own codes. */
  public Optional<ErrorCode> errorCode() {
    return Optional.ofNullable(errorCode);
  }

  /** The problem code of a store error. */
  public static ProblemCode of(ErrorCode code) {
    for (ProblemCode problem : values()) {
      if (problem.errorCode == code) {
        return problem;
      }
    }
    throw new IllegalArgumentException("no problem code for " + code);
  }

  /** The problem code with this id; empty for a code this version does not know. */
  public static Optional<ProblemCode> byId(String id) {
    for (ProblemCode problem : values()) {
      if (problem.id.equals(id)) {
        return Optional.of(problem);
      }
    }
    return Optional.empty();
  }
}
