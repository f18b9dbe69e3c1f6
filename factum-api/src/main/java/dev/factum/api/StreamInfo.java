package dev.factum.api;

/**
 * One stream of a listing ({@link EventStore#listStreams}): what its head says, read without
 * touching its events.
 *
 * @param stream the stream's name
 * @param status active, soft-deleted or tombstoned (never {@link StreamState.Status#NONE})
 * @param lastRevision revision of its last event ({@link StreamState#NO_REVISION} when it has
 *     none): a soft-deleted stream keeps it, so numbering continues when it is recreated
 * @param lastPosition global position of that last event, or -1
 * @param eventCount how many of its events a read can see now (0 for a deleted or tombstoned
 *     stream; after a soft delete and a recreation, only the events appended since)
 */
public record StreamInfo(
    String stream,
    StreamState.Status status,
    long lastRevision,
    long lastPosition,
    long eventCount) {}
