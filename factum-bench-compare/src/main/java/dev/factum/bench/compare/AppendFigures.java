package dev.factum.bench.compare;

import dev.factum.bench.compare.targets.DiskTarget;
import dev.factum.bench.load.ClosedLoop;
import dev.factum.bench.load.DurableAppends;
import dev.factum.bench.load.LatencySummary;

/**
 * One system's durable appends for one variant (writers × events per append).
 *
 * @param eventsPerSecond events made durable per second (the disk: the ceiling, see {@link
 *     DiskTarget})
 * @param latency per append (the disk: per fsync), microseconds
 * @param run the closed loop's raw figures; null for the disk
 */
public record AppendFigures(
    DurableAppends.Variant variant,
    double eventsPerSecond,
    LatencySummary latency,
    ClosedLoop.Result run) {}
