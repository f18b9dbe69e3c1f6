package dev.factum.api;

/**
 * What {@link EventStore#importEvents} committed: {@code events} events at the consecutive
 * positions {@code firstPosition} to {@code lastPosition}.
 */
public record ImportResult(int events, long firstPosition, long lastPosition) {}
