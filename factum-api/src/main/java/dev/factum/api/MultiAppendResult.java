package dev.factum.api;

import java.util.List;

/** The results of an atomic append to several streams, in the order of the requests. */
public record MultiAppendResult(List<AppendResult> results) {
  public MultiAppendResult {
    results = List.copyOf(results);
  }
}
