package io.vitalwire.contract;

import java.util.Arrays;
import java.util.Optional;

/** The last segment of a topic: what kind of message travels on it. */
public enum Channel {
    /** {@link ReadingBatch}: QoS 1, not retained. */
    READINGS("readings"),
    /** {@link GatewayStatus} heartbeats: QoS 1, not retained. */
    STATUS("status"),
    /** {@link GatewayEvent}s such as gaps and device connections: QoS 1, not retained. */
    EVENTS("events"),
    /** {@link GatewayState}: the retained birth message and the last will share this topic. */
    STATE("state"),
    /**
     * {@link Receipt}s, written by cloud-ingest only and read by the one gateway they name: QoS 1, not retained.
     */
    RECEIPTS("receipts"),
    /**
     * {@link GatewayConfig}, since 1.2: written by cloud-ingest only, QoS 1, <b>retained</b> (a gateway that connects
     * gets its current configuration at once), read by the one gateway it names.
     */
    CONFIG("config"),
    /** Written by cloud-ingest only: payloads it refused, with the reason in user properties. */
    QUARANTINE("quarantine");

    private final String segment;

    Channel(String segment) {
        this.segment = segment;
    }

    public String segment() {
        return segment;
    }

    static Optional<Channel> fromSegment(String segment) {
        return Arrays.stream(values()).filter(c -> c.segment.equals(segment)).findFirst();
    }
}
