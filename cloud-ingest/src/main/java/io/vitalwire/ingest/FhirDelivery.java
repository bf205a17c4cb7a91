package io.vitalwire.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitalwire.ingest.fhir.FhirRejectedException;
import io.vitalwire.ingest.fhir.FhirSink;
import io.vitalwire.ingest.quarantine.QuarantineReason;
import io.vitalwire.ingest.window.StreamWindows;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;

/**
 * The clinical record's side of owned readings: stream samples stored durably in their windows (the window closer
 * writes each window's Observation later), spot measurements written to the FHIR server as one transaction bundle
 * of conditional creates. A bundle the server refuses for good is written again one Observation at a time, so that
 * only the Observations it refuses are set aside.
 *
 * <p>Metric: {@code vitalwire.ingest.readings{outcome=written|windowed}}.
 */
@Singleton
public class FhirDelivery {

    private final StreamWindows windows;
    private final FhirSink fhir;
    private final MeterRegistry metrics;

    public FhirDelivery(StreamWindows windows, FhirSink fhir, MeterRegistry metrics) {
        this.windows = windows;
        this.fhir = fhir;
        this.metrics = metrics;
    }

    /**
     * Stores the samples in their windows and commits.
     *
     * @return each sample's outcome, by reading key
     */
    public Map<String, ReadingOutcome> storeSamples(List<Route.Sample> samples) {
        Map<String, ReadingOutcome> outcomes = new LinkedHashMap<>();
        if (samples.isEmpty()) {
            return outcomes;
        }
        windows.add(samples.stream().map(Route.Sample::sample).toList())
                .forEach((key, window) -> outcomes.put(key, new ReadingOutcome.Windowed(key, window)));
        metrics.counter("vitalwire.ingest.readings", "outcome", "windowed").increment(samples.size());
        return outcomes;
    }

    /** What became of spot measurements: written ones, and those the FHIR server refused for good. */
    public record Written(List<ReadingOutcome.Delivered> delivered, List<Route.Refused> refused) {
    }

    /**
     * Writes the spot measurements' Observations, each exactly once per reading key.
     *
     * @throws RuntimeException when the FHIR server stayed unreachable or failing: nothing is known to be written,
     *                          try them all again later (conditional creates make a repeat harmless)
     */
    public Written writeSpots(List<Route.Spot> spots) {
        List<ReadingOutcome.Delivered> delivered = new ArrayList<>();
        List<Route.Refused> refused = new ArrayList<>();
        if (spots.isEmpty()) {
            return new Written(delivered, refused);
        }
        try {
            delivered.addAll(write(spots));
        } catch (FhirRejectedException bundle) {
            if (spots.size() == 1) {
                refused.add(refusal(spots.get(0), bundle));
            } else {
                // One bad Observation refuses the whole transaction: find it, write the others.
                for (Route.Spot spot : spots) {
                    try {
                        delivered.addAll(write(List.of(spot)));
                    } catch (FhirRejectedException single) {
                        refused.add(refusal(spot, single));
                    }
                }
            }
        }
        metrics.counter("vitalwire.ingest.readings", "outcome", "written").increment(delivered.size());
        return new Written(delivered, refused);
    }

    private List<ReadingOutcome.Delivered> write(List<Route.Spot> spots) throws FhirRejectedException {
        Bundle response = fhir.write(spots.stream().map(Route.Spot::observation).toList());
        List<ReadingOutcome.Delivered> delivered = new ArrayList<>(spots.size());
        for (int i = 0; i < spots.size(); i++) {
            String location = response.getEntry().get(i).getResponse().getLocation();
            delivered.add(new ReadingOutcome.Delivered(spots.get(i).reading().key(),
                    new IdType(location).toUnqualifiedVersionless().getValue()));
        }
        return delivered;
    }

    private static Route.Refused refusal(Route.Spot spot, FhirRejectedException e) {
        return new Route.Refused(spot.reading(), QuarantineReason.FHIR_REJECTED, e.getMessage());
    }
}
