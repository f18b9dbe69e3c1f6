package dev.factum.server;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.factum.api.ErrorCode;
import dev.factum.api.FactumException;
import dev.factum.api.StreamDeletedException;
import dev.factum.api.StreamNotFoundException;
import dev.factum.api.WrongExpectedRevisionException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders every failure as {@code application/problem+json} (RFC 9457) with a stable {@code code}:
 * the store's {@link ErrorCode} ids, plus the HTTP layer's own ({@link HttpProblem}). A conflict
 * also carries {@code stream}, {@code expectedRevision} and {@code actualRevision} (null for no
 * stream). Unexpected exceptions become a 500 whose detail names no internals.
 */
final class Problems {
  static final String CONTENT_TYPE = "application/problem+json";

  /** A rendered problem: status, body, and a Retry-After value in seconds (0 for none). */
  record Rendered(int status, byte[] body, int retryAfterSeconds) {}

  private Problems() {}

  /** One problem code and the HTTP status it is always sent with. */
  record Code(String code, int status) {}

  /**
   * The codes of the HTTP layer itself, beside the store's {@link ErrorCode}s. Every {@link
   * HttpProblem} uses one of these with its status here ({@code docs/HTTP.md} lists them all, and a
   * test keeps the guide, the OpenAPI document and this list in step).
   */
  static final List<Code> HTTP_CODES =
      List.of(
          new Code("payload-too-large", 413),
          new Code("unsupported-media-type", 415),
          new Code("method-not-allowed", 405),
          new Code("not-found", 404),
          new Code("internal-error", 500));

  /** Every code a problem document can carry, with its status. */
  static List<Code> allCodes() {
    List<Code> codes = new ArrayList<>();
    for (ErrorCode code : ErrorCode.values()) {
      codes.add(new Code(code.id(), status(code)));
    }
    codes.addAll(HTTP_CODES);
    return codes;
  }

  static Rendered render(Throwable failure) {
    if (failure instanceof HttpProblem problem) {
      return build(problem.status(), problem.code(), problem.getMessage(), null, 0);
    }
    if (failure instanceof FactumException f) {
      int status = status(f.code());
      int retryAfter =
          f.code() == ErrorCode.OVERLOADED || f.code() == ErrorCode.STORAGE_FULL ? 1 : 0;
      return build(status, f.code().id(), f.getMessage(), f, retryAfter);
    }
    return build(500, "internal-error", "the server failed to handle this request", null, 0);
  }

  static int status(ErrorCode code) {
    return switch (code) {
      case WRONG_EXPECTED_REVISION, IDEMPOTENCY_CONFLICT -> 409;
      case STREAM_DELETED -> 410;
      case STREAM_NOT_FOUND -> 404;
      case INVALID_ARGUMENT -> 400;
      case OVERLOADED, STORE_CLOSED -> 503;
      case STORAGE_FULL -> 507;
      case DATA_CORRUPTED, UNSUPPORTED_FORMAT, STORAGE_FAILURE -> 500;
    };
  }

  private static Rendered build(
      int status, String code, String detail, FactumException source, int retryAfter) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = WireFormat.JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("type", "https://factum.dev/problems/" + code);
      json.writeStringField("title", title(code));
      json.writeNumberField("status", status);
      json.writeStringField("detail", detail == null ? title(code) : detail);
      json.writeStringField("code", code);
      if (source instanceof StreamDeletedException deleted) {
        json.writeStringField("stream", deleted.stream());
      }
      if (source instanceof StreamNotFoundException missing) {
        json.writeStringField("stream", missing.stream());
      }
      if (source instanceof WrongExpectedRevisionException conflict) {
        json.writeStringField("stream", conflict.stream());
        json.writeStringField("expectedRevision", conflict.expected().toString());
        if (conflict.actualRevision() < 0) {
          json.writeNullField("actualRevision");
        } else {
          json.writeNumberField("actualRevision", conflict.actualRevision());
        }
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Rendered(status, out.toByteArray(), retryAfter);
  }

  private static String title(String code) {
    return switch (code) {
      case "wrong-expected-revision" -> "The stream is not at the expected revision";
      case "idempotency-conflict" -> "Event ids are already used by other events";
      case "stream-deleted" -> "The stream is tombstoned";
      case "stream-not-found" -> "The stream does not exist";
      case "invalid-request" -> "The request is invalid";
      case "payload-too-large" -> "The request is over a size limit";
      case "unsupported-media-type" -> "The content type is not supported";
      case "method-not-allowed" -> "The method is not allowed on this resource";
      case "not-found" -> "No such resource";
      case "overloaded" -> "The server is overloaded; retry shortly";
      case "store-closed" -> "The store is closed";
      case "storage-full" -> "The disk is full";
      default -> "The server failed";
    };
  }
}
