package io.vitalwire.gateway.intake;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/** The intake ({@code vitalwire.gateway.intake.*}). */
@ConfigurationProperties("vitalwire.gateway.intake")
public interface IntakeConfig {

    /**
     * How long the samples of a continuous stream (a strap's 1 Hz heart rate, an oximeter's continuous SpO2 —
     * unacknowledged BLE notifications) wait to be committed together with whatever else streamed meanwhile. Every
     * commit of the buffer is a synchronous write of whole pages: one per sample, with its acknowledgement, made a
     * home with one strap write ~2.5 MB a minute to the hub's SD card ({@code bench.sh home}; 0.8 MB at 5 s). Such a sample has no acknowledgement to hold back and alerts only when
     * sustained for minutes (cloud-ingest's {@code rules.sustained-for}), so waiting costs no alert time; what it
     * risks is the samples of the last interval if the hub loses power — as the radio's samples of that moment are
     * lost anyway. Spot measurements, stored records and CoAP packs are committed before they are acknowledged, as
     * always. {@code 0s} commits each sample at once. Default {@code 5s}.
     */
    @Bindable(defaultValue = "5s")
    Duration getStreamCommitInterval();
}
