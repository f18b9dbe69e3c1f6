package dev.factum.api;

import java.io.Serial;

/** The stream never existed, or was soft-deleted and has not been written since. */
public final class StreamNotFoundException extends FactumException {
  @Serial private static final long serialVersionUID = 1L;

  private final String stream;

  public StreamNotFoundException(String stream) {
    super(ErrorCode.STREAM_NOT_FOUND, "stream '" + stream + "' does not exist");
    this.stream = stream;
  }

  public String stream() {
    return stream;
  }
}
