package dev.factum.api;

import java.util.List;

/**
 * A page of a stream listing ({@link EventStore#listStreams}).
 *
 * @param streams the streams, in the byte order of their UTF-8 names
 * @param next the name to resume after ({@link StreamQuery#after(String)}) when more streams may
 *     follow, or null when this page is the last
 */
public record StreamPage(List<StreamInfo> streams, String next) {
  public StreamPage {
    streams = List.copyOf(streams);
  }
}
