package dev.factum.api.groups;

/**
 * An event a group gave up on: nacked or timed out on its last attempt, or parked by a consumer. It
 * counts as done for the group's checkpoint and stays listed until replayed and acked, or skipped.
 */
public record ParkedEvent(long position, String stream, String reason, int attempts) {}
