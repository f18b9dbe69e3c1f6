package dev.factum.server;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.factum.api.AppendConditionFailedException;
import dev.factum.api.ErrorCode;
import dev.factum.api.FactumException;
import dev.factum.api.LimitExceededException;
import dev.factum.api.StreamDeletedException;
import dev.factum.api.StreamNotFoundException;
import dev.factum.api.WrongExpectedMetadataRevisionException;
import dev.factum.api.WrongExpectedRevisionException;
import dev.factum.wire.ProblemCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders every failure as {@code application/problem+json} (RFC 9457) with a stable {@code code}:
 * the table of {@link ProblemCode} (the store's {@link ErrorCode} ids, plus the HTTP layer's own,
 * {@link HttpProblem}). A conflict also carries {@code stream}, {@code expectedRevision} and {@code
 * actualRevision} (null for no stream); a {@code limit-exceeded} carries {@code limit} (the name of
 * the {@link dev.factum.api.Limits} component), {@code max} and {@code actual}; a failed append
 * condition carries {@code conflictingPosition}, the first event that matched. Unexpected
 * exceptions become a 500 whose detail names no internals.
 */
final class Problems {
  static final String CONTENT_TYPE = "application/problem+json";

  /** A rendered problem: status, body, and a Retry-After value in seconds (0 for none). */
  record Rendered(int status, byte[] body, int retryAfterSeconds) {}

  private Problems() {}

  /** One problem code and the HTTP status it is always sent with. */
  record Code(String code, int status) {}

  /**
   * Every code a problem document can carry, with its status (the table of {@link ProblemCode}).
   */
  static List<Code> allCodes() {
    List<Code> codes = new ArrayList<>();
    for (ProblemCode code : ProblemCode.values()) {
      codes.add(new Code(code.id(), code.status()));
    }
    return codes;
  }

  static Rendered render(Throwable failure) {
    if (failure instanceof HttpProblem problem) {
      return build(problem.status(), problem.code(), problem.getMessage(), null, 0);
    }
    if (failure instanceof FactumException f) {
      int status = status(f.code());
      int retryAfter =
          f.code() == ErrorCode.OVERLOADED
                  || f.code() == ErrorCode.STORAGE_FULL
                  || f.code() == ErrorCode.RATE_LIMITED
              ? 1
              : 0;
      return build(status, f.code().id(), f.getMessage(), f, retryAfter);
    }
    return build(
        ProblemCode.INTERNAL_ERROR.status(),
        ProblemCode.INTERNAL_ERROR.id(),
        "the server failed to handle this request",
        null,
        0);
  }

  static int status(ErrorCode code) {
    return ProblemCode.of(code).status();
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
      if (source instanceof AppendConditionFailedException failed) {
        json.writeNumberField("conflictingPosition", failed.conflictingPosition());
      }
      if (source instanceof StreamDeletedException deleted) {
        json.writeStringField("stream", deleted.stream());
      }
      if (source instanceof StreamNotFoundException missing) {
        json.writeStringField("stream", missing.stream());
      }
      if (source instanceof LimitExceededException exceeded) {
        json.writeStringField("limit", exceeded.limit().id());
        json.writeNumberField("max", exceeded.max());
        json.writeNumberField("actual", exceeded.actual());
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
      if (source instanceof WrongExpectedMetadataRevisionException conflict) {
        json.writeStringField("stream", conflict.stream());
        json.writeStringField("expectedMetadataRevision", conflict.expected().toString());
        json.writeNumberField("actualMetadataRevision", conflict.actualRevision());
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Rendered(status, out.toByteArray(), retryAfter);
  }

  private static String title(String code) {
    return ProblemCode.byId(code).orElse(ProblemCode.INTERNAL_ERROR).title();
  }
}
