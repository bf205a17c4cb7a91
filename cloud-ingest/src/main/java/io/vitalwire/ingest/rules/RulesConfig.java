package io.vitalwire.ingest.rules;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** The alert rules ({@code vitalwire.ingest.rules.*}); the thresholds themselves are overridden through the API. */
@ConfigurationProperties("vitalwire.ingest.rules")
public interface RulesConfig {

    /** Worker threads of the {@code rules} stage on this replica. Default 1 (a patient's state is read once per batch). */
    @Bindable(defaultValue = "1")
    int getWorkers();

    /** One alert per patient and rule within this; a worse severity alerts again inside it. Default 60m. */
    @Bindable(defaultValue = "60m")
    Duration getSuppression();

    /** A reading arriving more than this after it was measured is late (marked, evaluated on its time). Default 1h. */
    @Bindable(defaultValue = "1h")
    Duration getLate();

    /** Samples in a row beyond a band that make a continuous stream's excursion sustained. Default 3. */
    @Bindable(defaultValue = "3")
    int getSustainedSamples();

    /** Or: beyond the band for this long. Default 2m. */
    @Bindable(defaultValue = "2m")
    Duration getSustainedFor();

    /** A patient silent for longer than this gets a no-data alert (once per silence). Default 72h. */
    @Bindable(defaultValue = "72h")
    Duration getNoDataAfter();

    /** How often this replica looks for silent patients. Default 5m. */
    @Bindable(defaultValue = "5m")
    Duration getNoDataInterval();

    /**
     * How long a patient's conditions read from FHIR (heart failure enables weight gain) are trusted before they are
     * read again. While FHIR is unreachable the last ones read are used, however old. Default 10m.
     */
    @Bindable(defaultValue = "10m")
    Duration getConditionsTtl();

    /** Source refs of continuous streams, judged sustained; the windowing's. Default 2A37, 2A5F. */
    @Bindable(defaultValue = "2A37,2A5F")
    List<String> getContinuousSources();

    /** How long evaluated reading keys are remembered (at least the inbox's retention). Default 4d. */
    @Bindable(defaultValue = "4d")
    Duration getEvaluationRetention();

    /** The engine's settings from this configuration. */
    default RuleSettings settings() {
        return new RuleSettings(getSuppression(), getLate(), getSustainedSamples(), getSustainedFor(),
                getNoDataAfter(), Set.copyOf(getContinuousSources()));
    }
}
