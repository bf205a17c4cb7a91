package io.vitalwire.ingest.operations;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/** Operations alerts ({@code vitalwire.ingest.operations.*}): gateways offline, devices' low batteries. */
@ConfigurationProperties("vitalwire.ingest.operations")
public interface OperationsConfig {

    /**
     * A gateway heard of neither by a state message nor by a heartbeat for longer than this (offline by its last
     * will or its shutdown, or silent) gets one {@code gateway-offline} alert per such period. Default 1h.
     */
    @Bindable(defaultValue = "1h")
    Duration getOfflineAfter();

    /** Whether this replica sweeps for offline gateways (every replica may: they raise one alert). Default true. */
    @Bindable(defaultValue = "true")
    boolean isSweepEnabled();

    /** How often this replica sweeps for offline gateways. Default 1m. */
    @Bindable(defaultValue = "1m")
    Duration getSweepInterval();

    /** A device's battery at or below this percentage raises a {@code device-battery-low} warning. Default 20. */
    @Bindable(defaultValue = "20")
    int getBatteryWarning();

    /** At or below this percentage, a critical one. Default 10. */
    @Bindable(defaultValue = "10")
    int getBatteryCritical();

    /**
     * One low-battery alert per device within this (by the reports' times), unless the severity is worse. Default
     * 24h.
     */
    @Bindable(defaultValue = "24h")
    Duration getBatterySuppression();
}
