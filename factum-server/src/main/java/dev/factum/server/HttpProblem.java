package dev.factum.server;

import dev.factum.wire.ProblemCode;
import java.io.Serial;

/**
 * An error of the HTTP layer itself (a route that does not exist, a wrong content type, a body over
 * the size cap, malformed JSON), rendered like every other error as a problem document with a
 * stable {@code code}. It is made from a {@link ProblemCode}, so no code or status is spelled out
 * here or at a call site.
 */
final class HttpProblem extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  private final ProblemCode code;

  HttpProblem(ProblemCode code, String detail) {
    super(detail);
    this.code = code;
  }

  static HttpProblem badRequest(String detail) {
    return new HttpProblem(ProblemCode.INVALID_REQUEST, detail);
  }

  /** The request body is over {@link ServerConfig#maxRequestBytes()}. */
  static HttpProblem tooLarge(String detail) {
    return new HttpProblem(ProblemCode.PAYLOAD_TOO_LARGE, detail);
  }

  int status() {
    return code.status();
  }

  String code() {
    return code.id();
  }
}
