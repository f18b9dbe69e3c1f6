package dev.factum.bench;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The workloads a run can select with {@code --only}, in the order they run. */
enum Workload {
  DISK("disk"),
  APPEND("append"),
  STREAM_LOAD("stream-load"),
  CATCH_UP("catch-up"),
  HTTP_APPEND("http-append"),
  HTTP_STREAM_LOAD("http-stream-load"),
  HTTP_SSE("http-sse"),
  HTTP_AUTH("http-auth"),
  DCB("dcb"),
  GROUPS("groups");

  private final String cliName;

  Workload(String cliName) {
    this.cliName = cliName;
  }

  String cliName() {
    return cliName;
  }

  static Workload byName(String name) {
    for (Workload workload : values()) {
      if (workload.cliName.equals(name)) {
        return workload;
      }
    }
    throw new IllegalArgumentException(
        "unknown workload '" + name + "' (known: " + allNames() + ")");
  }

  static String allNames() {
    return Arrays.stream(values()).map(Workload::cliName).collect(Collectors.joining(", "));
  }
}
