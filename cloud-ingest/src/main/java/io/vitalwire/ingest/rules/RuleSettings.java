package io.vitalwire.ingest.rules;

import java.time.Duration;
import java.util.Set;

/**
 * How the rules judge time.
 *
 * @param suppression       one alert per patient and rule within this (a worse severity alerts again inside it)
 * @param late              a reading arriving more than this after its measurement is late
 * @param sustainedSamples  stream samples in a row beyond a band that make it sustained
 * @param sustainedFor      or: beyond it for this long (a gap between samples longer than this ends a run)
 * @param noDataAfter       a patient silent for longer than this gets a no-data alert
 * @param continuousSources source refs of continuous streams (the windowing's: 2A37, 2A5F)
 */
public record RuleSettings(Duration suppression, Duration late, int sustainedSamples, Duration sustainedFor,
                           Duration noDataAfter, Set<String> continuousSources) {

    /** The product's defaults (domain.md, issue 8). */
    public static final RuleSettings DEFAULTS = new RuleSettings(Duration.ofMinutes(60), Duration.ofHours(1), 3,
            Duration.ofMinutes(2), Duration.ofHours(72), Set.of("2A37", "2A5F"));

    public RuleSettings {
        continuousSources = Set.copyOf(continuousSources);
        if (sustainedSamples < 1) {
            throw new IllegalArgumentException("sustained samples must be at least 1");
        }
    }
}
