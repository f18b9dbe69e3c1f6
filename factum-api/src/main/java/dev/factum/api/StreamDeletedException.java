package dev.factum.api;

import java.io.Serial;

/** The stream was tombstoned: it can never be read or written again. */
public final class StreamDeletedException extends FactumException {
  @Serial private static final long serialVersionUID = 1L;

  private final String stream;

  public StreamDeletedException(String stream) {
    super(ErrorCode.STREAM_DELETED, "stream '" + stream + "' is tombstoned");
    this.stream = stream;
  }

  public String stream() {
    return stream;
  }
}
