package dev.factum.server;

import dev.factum.wire.ProblemCode;
import java.io.Serial;

/**
 * An error of the HTTP layer itself (a route that does not exist, a wrong content type, a body over
 * the size limit, malformed JSON), rendered like every other error as a problem document with a
 * stable {@code code}.
 */
final class HttpProblem extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;

  HttpProblem(int status, String code, String detail) {
    super(detail);
    this.status = status;
    this.code = code;
  }

  static HttpProblem badRequest(String detail) {
    return new HttpProblem(
        ProblemCode.INVALID_REQUEST.status(), ProblemCode.INVALID_REQUEST.id(), detail);
  }

  static HttpProblem tooLarge(String detail) {
    return new HttpProblem(
        ProblemCode.PAYLOAD_TOO_LARGE.status(), ProblemCode.PAYLOAD_TOO_LARGE.id(), detail);
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }
}
