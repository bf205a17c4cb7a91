package io.vitalwire.ingest.window;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
import java.util.List;

/** Windows of continuous streams ({@code vitalwire.ingest.window.*}). */
@ConfigurationProperties("vitalwire.ingest.window")
public interface WindowConfig {

    /**
     * Source refs of the continuous streams: readings from these become samples of a window instead of one
     * Observation each. Default {@code 2A37} (BLE Heart Rate Measurement) and {@code 2A5F} (BLE PLX Continuous
     * Measurement: SpO2 and pulse rate), the two characteristics that notify about once a second while worn.
     */
    @Bindable(defaultValue = "2A37,2A5F")
    List<String> getSources();

    /**
     * Length of a window; windows are aligned to the UTC clock (a 1-minute window starts at :00 of a minute), so
     * use a length that divides a day. One Observation per window: a 1 Hz stream makes one FHIR write per length
     * instead of one per second. Default 1m.
     */
    @Bindable(defaultValue = "1m")
    Duration getLength();

    /**
     * How long after its end a window is written: samples are still in flight (gateway batches, a reconnecting
     * gateway's backlog). A sample arriving later still revises the window's Observation, this long after it
     * arrived. Default 30s.
     */
    @Bindable(defaultValue = "30s")
    Duration getGrace();

    /**
     * Period of the window Observation's sample grid ({@code SampledData.period}): each sample sits in the slot of
     * its measurement time, so times are kept to this resolution (InfluxDB keeps them to the millisecond).
     * Default 1s, the rate of the BLE streams.
     */
    @Bindable(defaultValue = "1s")
    Duration getSamplePeriod();

    /** Whether this replica writes due windows. Any number of replicas may; they never write one window at once. */
    @Bindable(defaultValue = "true")
    boolean isCloserEnabled();

    /** How often the closer looks for due windows. Default 5s. */
    @Bindable(defaultValue = "5s")
    Duration getCloseInterval();

    /** Most windows one closer run writes. Default 200. */
    @Bindable(defaultValue = "200")
    int getBatchSize();

    /** Pause before a failed window write is tried again, doubled per failure. Default 5s. */
    @Bindable(defaultValue = "5s")
    Duration getRetryDelay();

    /** Longest pause between attempts to write a window. Default 5m. */
    @Bindable(defaultValue = "5m")
    Duration getMaxRetryDelay();
}
