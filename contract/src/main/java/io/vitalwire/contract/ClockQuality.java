package io.vitalwire.contract;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * How far {@link Reading#measuredAt()} can be trusted. Device clocks drift and are often never set, so the gateway
 * keeps the raw device time and says how it derived the measurement time from it.
 */
public enum ClockQuality {
    /** Device time used as is: its measured offset to the synchronised gateway clock is within tolerance. */
    @JsonProperty("synced") SYNCED,
    /** Device time corrected by the offset the gateway measured against its synchronised clock. */
    @JsonProperty("corrected") CORRECTED,
    /**
     * Device time used without correction: no offset could be measured, or the gateway's own clock is not known to be
     * synchronised (then an offset may be reported, but it was measured against a clock that may itself be wrong).
     */
    @JsonProperty("uncorrected") UNCORRECTED,
    /**
     * The device gave no time (or a clock it says is not set), or one outside the gateway's time window (a clock
     * wildly wrong; its raw time is still in {@code deviceTime}): the gateway's receive time is used.
     */
    @JsonProperty("receive-time") RECEIVE_TIME;

    /** The name the contract's JSON gives it ("receive-time"), for sinks that carry it on (FHIR, InfluxDB). */
    public String code() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
