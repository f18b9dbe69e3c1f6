package dev.factum.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.AppendConditionFailedException;
import dev.factum.api.DataCorruptedException;
import dev.factum.api.EncryptionUnavailableException;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.FactumException;
import dev.factum.api.ForbiddenException;
import dev.factum.api.GroupExistsException;
import dev.factum.api.GroupNotFoundException;
import dev.factum.api.IdempotencyConflictException;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LimitExceededException;
import dev.factum.api.NotDeliveredException;
import dev.factum.api.OverloadedException;
import dev.factum.api.RateLimitedException;
import dev.factum.api.RecordConflictException;
import dev.factum.api.StorageFailureException;
import dev.factum.api.StorageFullException;
import dev.factum.api.StoreClosedException;
import dev.factum.api.StreamDeletedException;
import dev.factum.api.StreamNotFoundException;
import dev.factum.api.StreamState;
import dev.factum.api.SubjectNotFoundException;
import dev.factum.api.UnauthorizedException;
import dev.factum.api.UnsupportedFormatException;
import dev.factum.api.WrongExpectedMetadataRevisionException;
import dev.factum.api.WrongExpectedRevisionException;
import dev.factum.api.WrongMasterKeyException;
import dev.factum.wire.ProblemCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an error response back into the exception the embedded store would have thrown, so code
 * written against {@link dev.factum.api.EventStore} catches the same types over HTTP. The table is
 * in {@link FactumClient}'s documentation; every mapped exception carries the problem as a {@link
 * ServerProblemException} cause.
 *
 * <p>What must stay true: the mapping goes by the problem's stable {@code code} (looked up in the
 * one table, {@link ProblemCode}), never by status or text; a code this client does not know is an
 * {@link UnexpectedResponseException}, never guessed.
 */
final class ProblemMapper {
  /** The api's messages for the two stream errors whose problems carry no {@code stream} field. */
  private static final Pattern STREAM_IN_DETAIL =
      Pattern.compile("^stream '(.*)' (?:is tombstoned|does not exist)$", Pattern.DOTALL);

  private ProblemMapper() {}

  /**
   * The exception for an error response.
   *
   * @param stream the stream the request named, or null (used where the problem has no stream)
   */
  static FactumException fromResponse(
      int status, String contentType, byte[] body, String retryAfter, String stream) {
    JsonNode problem = null;
    if (contentType != null && contentType.toLowerCase(Locale.ROOT).contains("json")) {
      try {
        problem = WireCodec.parse(body);
      } catch (RuntimeException notJson) {
        problem = null;
      }
    }
    if (problem == null || !problem.isObject() || !problem.path("code").isTextual()) {
      return new UnexpectedResponseException(
          status,
          "the server answered HTTP " + status + " without a problem document: " + snippet(body),
          null);
    }
    return fromProblem(problem, status, parseRetryAfter(retryAfter), stream);
  }

  /** The exception for a problem document (from a response, or an SSE {@code error} event). */
  static FactumException fromProblem(
      JsonNode problem, int status, Duration retryAfter, String stream) {
    String code = problem.path("code").asText();
    String title = problem.path("title").asText(code);
    String detail = problem.path("detail").isTextual() ? problem.get("detail").asText() : title;
    ServerProblemException cause =
        new ServerProblemException(status, code, title, detail, retryAfter);
    FactumException mapped =
        switch (ProblemCode.byId(code).orElse(ProblemCode.INTERNAL_ERROR)) {
          case WRONG_EXPECTED_REVISION -> conflict(problem, status, stream, cause);
          case STREAM_DELETED -> new StreamDeletedException(streamOf(problem, detail, stream));
          case STREAM_NOT_FOUND -> new StreamNotFoundException(streamOf(problem, detail, stream));
          case IDEMPOTENCY_CONFLICT -> new IdempotencyConflictException(detail, cause);
          case APPEND_CONDITION_FAILED ->
              new AppendConditionFailedException(
                  detail, problem.path("conflictingPosition").asLong(-1));
          case INVALID_REQUEST, PAYLOAD_TOO_LARGE -> new InvalidArgumentException(detail, cause);
          case LIMIT_EXCEEDED -> limitExceeded(problem, status, detail, cause);
          case OVERLOADED -> new OverloadedException(detail, cause);
          case RATE_LIMITED -> new RateLimitedException(detail, cause);
          case UNAUTHORIZED -> new UnauthorizedException(detail, cause);
          case FORBIDDEN -> new ForbiddenException(detail, cause);
          case STORE_CLOSED -> new StoreClosedException(detail, cause);
          case STORAGE_FULL -> new StorageFullException(detail, cause);
          case DATA_CORRUPTED -> new DataCorruptedException(detail, cause);
          case UNSUPPORTED_FORMAT -> new UnsupportedFormatException(detail, cause);
          case STORAGE_FAILURE -> new StorageFailureException(detail, cause);
          case RECORD_CONFLICT -> new RecordConflictException(detail, cause);
          case GROUP_NOT_FOUND -> new GroupNotFoundException(detail, cause);
          case GROUP_EXISTS -> new GroupExistsException(detail, cause);
          case NOT_DELIVERED -> new NotDeliveredException(detail, cause);
          case WRONG_EXPECTED_METADATA_REVISION -> metadataConflict(problem, status, stream, cause);
          case SUBJECT_NOT_FOUND -> new SubjectNotFoundException(detail, cause);
          case ENCRYPTION_UNAVAILABLE -> new EncryptionUnavailableException(detail, cause);
          case WRONG_MASTER_KEY -> new WrongMasterKeyException(detail, cause);
          case UNSUPPORTED_MEDIA_TYPE,
              METHOD_NOT_ALLOWED,
              NOT_FOUND,
              TENANT_NOT_FOUND,
              TENANT_EXISTS,
              TENANTS_NOT_CONFIGURED,
              BACKUP_UNAVAILABLE,
              SCAVENGE_UNAVAILABLE,
              WEBHOOK_NOT_FOUND,
              WEBHOOK_EXISTS,
              SINK_NOT_FOUND,
              SINK_EXISTS,
              PROJECTION_NOT_FOUND,
              REACTION_NOT_FOUND,
              INTERNAL_ERROR ->
              new UnexpectedResponseException(
                  status, "the server answered " + status + " " + code + ": " + detail, cause);
        };
    if (mapped.getCause() == null) {
      mapped.initCause(cause);
    }
    return mapped;
  }

  private static FactumException conflict(
      JsonNode problem, int status, String stream, ServerProblemException cause) {
    JsonNode actual = problem.path("actualRevision");
    try {
      ExpectedRevision expected = ExpectedRevision.parse(problem.path("expectedRevision").asText());
      long actualRevision = actual.isIntegralNumber() ? actual.asLong() : StreamState.NO_REVISION;
      String name = problem.path("stream").isTextual() ? problem.get("stream").asText() : stream;
      return new WrongExpectedRevisionException(name, expected, actualRevision);
    } catch (InvalidArgumentException malformed) {
      return new UnexpectedResponseException(
          status, "a conflict problem without a valid expectedRevision: " + problem, cause);
    }
  }

  private static FactumException metadataConflict(
      JsonNode problem, int status, String stream, ServerProblemException cause) {
    JsonNode actual = problem.path("actualMetadataRevision");
    try {
      ExpectedRevision expected =
          ExpectedRevision.parse(problem.path("expectedMetadataRevision").asText());
      String name = problem.path("stream").isTextual() ? problem.get("stream").asText() : stream;
      return new WrongExpectedMetadataRevisionException(
          name, expected, actual.isIntegralNumber() ? actual.asLong() : -1);
    } catch (InvalidArgumentException malformed) {
      return new UnexpectedResponseException(
          status,
          "a metadata conflict without a valid expectedMetadataRevision: " + problem,
          cause);
    }
  }

  private static FactumException limitExceeded(
      JsonNode problem, int status, String detail, ServerProblemException cause) {
    JsonNode max = problem.path("max");
    JsonNode actual = problem.path("actual");
    return LimitExceededException.Limit.byId(problem.path("limit").asText())
        .filter(limit -> isLong(max) && isLong(actual))
        .<FactumException>map(
            limit ->
                new LimitExceededException(limit, max.asLong(), actual.asLong(), detail, cause))
        .orElseGet(
            () ->
                new UnexpectedResponseException(
                    status, "a limit-exceeded problem without a known limit: " + problem, cause));
  }

  private static boolean isLong(JsonNode node) {
    return node.isIntegralNumber() && node.canConvertToLong();
  }

  /** The stream of a stream error: the problem's field, else the request's, else the detail's. */
  private static String streamOf(JsonNode problem, String detail, String stream) {
    if (problem.path("stream").isTextual()) {
      return problem.get("stream").asText();
    }
    if (stream != null) {
      return stream;
    }
    Matcher matcher = STREAM_IN_DETAIL.matcher(detail);
    return matcher.matches() ? matcher.group(1) : null;
  }

  /** {@code Retry-After}: delay-seconds or an HTTP-date; null when absent or unreadable. */
  static Duration parseRetryAfter(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String text = value.trim();
    if (text.chars().allMatch(Character::isDigit) && text.length() <= 9) {
      return Duration.ofSeconds(Long.parseLong(text));
    }
    try {
      ZonedDateTime at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME);
      Duration left = Duration.between(ZonedDateTime.now(at.getZone()), at);
      return left.isNegative() ? Duration.ZERO : left;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String snippet(byte[] body) {
    if (body == null || body.length == 0) {
      return "(empty body)";
    }
    String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
    return body.length > 200 ? text + "..." : text;
  }
}
