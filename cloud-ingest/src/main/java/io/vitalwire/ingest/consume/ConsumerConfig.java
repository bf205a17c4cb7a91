package io.vitalwire.ingest.consume;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/** The MQTT consumer ({@code vitalwire.ingest.mqtt.*}). */
@ConfigurationProperties("vitalwire.ingest.mqtt")
public interface ConsumerConfig {

    /** Broker URL, {@code tcp://} or {@code ssl://}. Default {@code tcp://127.0.0.1:1883}. */
    @Bindable(defaultValue = "tcp://127.0.0.1:1883")
    String getBrokerUrl();

    /**
     * Client id; the broker keeps this replica's session (and its unacknowledged messages) under it, so each
     * replica needs a stable id of its own. Default {@code cloud-ingest-1}.
     */
    @Bindable(defaultValue = "cloud-ingest-1")
    String getClientId();

    /** Shared-subscription group: replicas in one group split the readings between them. Default cloud-ingest. */
    @Bindable(defaultValue = "cloud-ingest")
    String getShareGroup();

    /** How long the broker keeps the session while the replica is away. Default 1 day. */
    @Bindable(defaultValue = "1d")
    Duration getSessionExpiry();

    /** Longest pause between attempts to handle a message that failed. Default 30s. */
    @Bindable(defaultValue = "30s")
    Duration getMaxRetryDelay();
}
