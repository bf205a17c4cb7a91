package io.vitalwire.ingest.notify;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** The events a clinician webhook carries, by their payload {@code type}. */
public enum WebhookEvent {
    /** An alert was decided. Its webhook-id is the alert's id. */
    RAISED("alert.raised"),
    /** A critical alert was not acknowledged in time. Its webhook-id is derived from the alert's id. */
    ESCALATED("alert.escalated");

    private final String type;

    WebhookEvent(String type) {
        this.type = type;
    }

    /** The payload's {@code type}, stored as the delivery's event. */
    public String type() {
        return type;
    }

    /**
     * The Standard Webhooks {@code webhook-id} of this event of the alert: the same on every attempt, replica and
     * endpoint, so that receivers can deduplicate on it; different per event, so that an escalation is not taken for
     * a duplicate of the alert.
     */
    public String webhookId(UUID alert) {
        if (this == RAISED) {
            return alert.toString();
        }
        return UUID.nameUUIDFromBytes(("vitalwire-webhook|" + type + "|" + alert).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    static WebhookEvent ofType(String type) {
        for (WebhookEvent e : values()) {
            if (e.type.equals(type)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown webhook event " + type);
    }
}
