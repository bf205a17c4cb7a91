package io.vitalwire.ingest.installation;

import io.vitalwire.contract.ContractViolation;
import io.vitalwire.contract.Topic;

/**
 * A home hub as cloud-ingest knows it: its tenant and its gateway id, both from the topic it publishes on (the broker
 * ties the topic's gateway to the client certificate's CN).
 */
public record Hub(String tenant, String gateway) {

    /** The hub that published on {@code topic}, a topic the consumer accepted already. */
    public static Hub of(String topic) {
        try {
            Topic parsed = Topic.parse(topic);
            return new Hub(parsed.tenant(), parsed.gatewayId());
        } catch (ContractViolation v) {
            // Only topics the consumer parsed reach the inbox and the quarantine's readings.
            throw new IllegalArgumentException("not a contract topic: " + topic, v);
        }
    }

    @Override
    public String toString() {
        return tenant + "/" + gateway;
    }
}
