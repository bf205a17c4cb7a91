package io.vitalwire.ingest.notify;

import java.time.Instant;
import java.util.UUID;

/**
 * A claimed delivery: what one attempt needs.
 *
 * @param webhookId the Standard Webhooks {@code webhook-id}, the same on every attempt
 * @param attempts  attempts made before this one
 * @param createdAt when the event happened: the payload's timestamp
 * @param replayed  whether an operator replayed it (its latency says nothing about the pipeline then)
 * @param alert     the alert, as committed
 */
record Delivery(long id, String webhookId, WebhookEvent event, UUID endpointId, String url, int attempts,
                Instant createdAt, boolean replayed, AlertNotice alert) {
}
