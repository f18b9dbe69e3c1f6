package dev.factum.engine.spi;

/** One stream of a {@link Storage#listStreams} page: its name and its head. */
public record ListedStream(String stream, StreamHead head) {}
