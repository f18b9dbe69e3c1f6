package dev.factum.webhooks;

import dev.factum.api.groups.GroupStatus;
import java.time.Instant;

/**
 * What a webhook is doing now.
 *
 * @param group its consumer group's status: checkpoint, lag, in flight, parked
 * @param delivered events acknowledged by the receiver since this process started it
 * @param failedRequests requests that failed (non-2xx, timeout, connection) since then
 * @param lastError the last failure, or null
 * @param lastDelivery when the receiver last answered 2xx, or null
 */
public record WebhookStatus(
    WebhookDefinition definition,
    GroupStatus group,
    long delivered,
    long failedRequests,
    String lastError,
    Instant lastDelivery) {}
