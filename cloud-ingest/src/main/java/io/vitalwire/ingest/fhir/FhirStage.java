package io.vitalwire.ingest.fhir;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitalwire.contract.ContractViolation;
import io.vitalwire.contract.Topic;
import io.vitalwire.ingest.pipeline.Stage;
import io.vitalwire.ingest.pipeline.StageBatch;
import io.vitalwire.ingest.pipeline.StageEntry;
import io.vitalwire.ingest.quarantine.QuarantineReason;
import io.vitalwire.ingest.window.StreamWindows;
import io.vitalwire.ingest.window.WindowedSample;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;

/**
 * {@code fhir}: the clinical record. Each reading's Observation is built once, here: a spot measurement becomes its
 * own Observation, written with the claim's others as one transaction bundle of conditional creates; a sample of a
 * continuous stream is stored in its window (PostgreSQL), whose one Observation the {@link WindowCloser} writes when
 * the window has ended. The two parts succeed or fail apart: samples are stored while the FHIR server is down.
 *
 * <p><b>Unmappable readings belong here.</b> A reading no profile-conformant Observation can hold (a unit its
 * vital-signs profile refuses, say) is quarantined by this stage as {@code UNMAPPABLE}: it is the clinical record
 * that cannot take it, while the reading passed the contract, has a patient and a UCUM unit, so the time series
 * (the {@code influx} stage, independent of this one) still holds it. A bundle the server refuses for good
 * ({@code FHIR_REJECTED}) is written again one Observation at a time, so that only the Observations it refuses are
 * set aside.
 *
 * <p>A spot value beyond the patient's alert bands carries its interpretation (H, L, HH, LL), judged by the rules
 * on the patient's thresholds through {@link InterpretationSource} — the only thing this stage asks of them.
 *
 * <p>Metric: {@code vitalwire.ingest.readings{outcome=written|windowed}}.
 */
@Singleton
public class FhirStage implements Stage {

    private final ObservationMapper mapper;
    private final StreamWindows windows;
    private final FhirSink fhir;
    private final InterpretationSource interpretations;
    private final MeterRegistry metrics;

    public FhirStage(ObservationMapper mapper, StreamWindows windows, FhirSink fhir,
                     InterpretationSource interpretations, MeterRegistry metrics) {
        this.mapper = mapper;
        this.interpretations = interpretations;
        this.windows = windows;
        this.fhir = fhir;
        this.metrics = metrics;
    }

    @Override
    public String name() {
        return "fhir";
    }

    private record Spot(StageEntry entry, Observation observation) {
    }

    private record Windowed(StageEntry entry, WindowedSample sample) {
    }

    @Override
    public void handle(StageBatch batch) {
        List<Windowed> samples = new ArrayList<>();
        List<Spot> spots = new ArrayList<>();
        for (StageEntry e : batch.entries()) {
            try {
                if (windows.isContinuous(e.reading())) {
                    samples.add(new Windowed(e, windows.sample(e.reading(), e.owner(),
                            mapper.singleQuantity(e.reading()))));
                } else {
                    spots.add(new Spot(e, mapper.map(e.reading(), e.owner(), interpretations(e))));
                }
            } catch (MappingException m) {
                batch.quarantined(e, QuarantineReason.UNMAPPABLE, m.getMessage());
            }
        }
        storeSamples(batch, samples);
        writeSpots(batch, spots);
    }

    /**
     * H, L, HH, LL on the values beyond the patient's bands: the same bands and canonical values as the alerts. A
     * stream's window carries none: its alerts are about sustained runs, not the window's median.
     */
    private Map<String, Interpretation> interpretations(StageEntry e) {
        String tenant;
        try {
            tenant = Topic.parse(e.topic()).tenant();
        } catch (ContractViolation v) {
            return Map.of();
        }
        return interpretations.of(tenant, e.owner().patientId(), e.reading());
    }

    private void storeSamples(StageBatch batch, List<Windowed> samples) {
        if (samples.isEmpty()) {
            return;
        }
        Map<String, Long> windowOf;
        try {
            windowOf = windows.add(samples.stream().map(Windowed::sample).toList());
        } catch (RuntimeException e) {
            batch.failed(samples.stream().map(Windowed::entry).toList(), FhirFailures.of(e));
            return;
        }
        for (Windowed w : samples) {
            batch.done(w.entry(), "windowed in window " + windowOf.get(w.entry().readingKey()));
        }
        metrics.counter("vitalwire.ingest.readings", "outcome", "windowed").increment(samples.size());
    }

    private void writeSpots(StageBatch batch, List<Spot> spots) {
        if (spots.isEmpty()) {
            return;
        }
        try {
            written(batch, spots, fhir.write(spots.stream().map(Spot::observation).toList()));
        } catch (FhirRejectedException bundle) {
            if (spots.size() == 1) {
                batch.quarantined(spots.get(0).entry(), QuarantineReason.FHIR_REJECTED, bundle.getMessage());
                return;
            }
            // One bad Observation refuses the whole transaction: find it, write the others.
            for (Spot spot : spots) {
                writeSpots(batch, List.of(spot));
            }
        } catch (RuntimeException e) {
            batch.failed(spots.stream().map(Spot::entry).toList(), FhirFailures.of(e));
        }
    }

    private void written(StageBatch batch, List<Spot> spots, Bundle response) {
        for (int i = 0; i < spots.size(); i++) {
            String location = response.getEntry().get(i).getResponse().getLocation();
            batch.done(spots.get(i).entry(), "delivered " + new IdType(location).toUnqualifiedVersionless().getValue());
        }
        metrics.counter("vitalwire.ingest.readings", "outcome", "written").increment(spots.size());
    }
}
