package io.vitalwire.gateway.normalize;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * The window around the gateway's clock within which a device's time is believed ({@code vitalwire.gateway.time-window.*}).
 * A measurement time outside it means the device's clock is wildly wrong (never set, reset to 2000, a dead RTC
 * battery): the reading is kept on its receive time instead, with the raw device time still in it.
 */
@ConfigurationProperties("vitalwire.gateway.time-window")
public interface TimeWindowConfig {

    /**
     * How far into the past a measurement may lie. Default 400 days: a glucose meter keeps hundreds of stored
     * records, several months of a patient's tests, and may be fetched after a long absence; a year and a month
     * covers that with room, while a clock reset to 2000 or to the epoch falls far outside.
     */
    @Bindable(defaultValue = "400d")
    Duration getMaxPast();

    /**
     * How far into the future a measurement may lie. Default 10 minutes: device clocks run a little ahead, and a
     * measurement cannot come from later than that.
     */
    @Bindable(defaultValue = "10m")
    Duration getMaxFuture();
}
