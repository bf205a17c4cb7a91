package io.vitalwire.gateway.uplink;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
import java.util.Optional;

/** The MQTT uplink ({@code vitalwire.gateway.uplink.*}). */
@ConfigurationProperties("vitalwire.gateway.uplink")
public interface UplinkConfig {

    /** Broker URL, {@code tcp://} or {@code ssl://}. Default {@code tcp://127.0.0.1:1883}. */
    @Bindable(defaultValue = "tcp://127.0.0.1:1883")
    String getBrokerUrl();

    /** MQTT client id; the broker keeps the session under it. Default: the gateway id. */
    Optional<String> getClientId();

    /** Most readings packed into one MQTT message. Default 500. */
    @Bindable(defaultValue = "500")
    int getBatchSize();

    /** How long to wait for a PUBACK before the batch is requeued. Default 30s. */
    @Bindable(defaultValue = "30s")
    Duration getAckTimeout();

    /** Interval of the status heartbeat. Default 30s. */
    @Bindable(defaultValue = "30s")
    Duration getHeartbeatInterval();

    /** First delay before reconnecting; doubles per failed attempt up to {@link #getMaxBackoff()}. Default 1s. */
    @Bindable(defaultValue = "1s")
    Duration getMinBackoff();

    /** Longest delay between reconnect attempts (jittered). Default 60s. */
    @Bindable(defaultValue = "60s")
    Duration getMaxBackoff();

    /** How long the broker keeps this gateway's session while it is away. Default 7 days. */
    @Bindable(defaultValue = "7d")
    Duration getSessionExpiry();
}
