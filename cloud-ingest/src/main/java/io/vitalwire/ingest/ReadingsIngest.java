package io.vitalwire.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ContractViolation;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingBatch;
import io.vitalwire.contract.Topic;
import io.vitalwire.ingest.fhir.FhirRejectedException;
import io.vitalwire.ingest.fhir.FhirSink;
import io.vitalwire.ingest.influx.InfluxSink;
import io.vitalwire.ingest.map.MappingException;
import io.vitalwire.ingest.map.ObservationMapper;
import io.vitalwire.ingest.quarantine.QuarantineReason;
import io.vitalwire.ingest.quarantine.QuarantineStore;
import io.vitalwire.ingest.resolve.DeviceLookup;
import io.vitalwire.ingest.resolve.PatientResolver;
import io.vitalwire.ingest.resolve.Resolution;
import io.vitalwire.ingest.window.StreamWindows;
import io.vitalwire.ingest.window.WindowedSample;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;

/**
 * Handles one readings message from start to end: decode → resolve each reading's patient at its measurement time
 * → spot measurements mapped and written to FHIR, samples of continuous streams stored in their windows (written to
 * FHIR per window later, by the window closer) → every reading to InfluxDB. Returns normally only when every reading
 * is written, durably windowed or quarantined; any exception means "not handled, do not acknowledge", and the
 * broker will deliver the message again.
 */
@Singleton
public class ReadingsIngest {

    private final ContractCodec codec = new ContractCodec();
    private final PatientResolver resolver;
    private final ObservationMapper mapper;
    private final StreamWindows windows;
    private final FhirSink fhir;
    private final InfluxSink influx;
    private final QuarantineStore quarantine;
    private final MeterRegistry metrics;

    public ReadingsIngest(PatientResolver resolver, ObservationMapper mapper, StreamWindows windows, FhirSink fhir,
                          InfluxSink influx, QuarantineStore quarantine, MeterRegistry metrics) {
        this.resolver = resolver;
        this.mapper = mapper;
        this.windows = windows;
        this.fhir = fhir;
        this.influx = influx;
        this.quarantine = quarantine;
        this.metrics = metrics;
    }

    public void handle(String topicName, byte[] payload) {
        ReadingBatch batch;
        try {
            Topic topic = Topic.parse(topicName);
            batch = (ReadingBatch) codec.decode(topic, payload);
        } catch (ContractViolation v) {
            quarantine.put(topicName, null, null, QuarantineReason.CONTRACT_VIOLATION,
                    v.reason() + ": " + v.getMessage(), payload);
            return;
        }
        ingest(topicName, batch.readings());
    }

    /**
     * Ingests readings that arrived together on {@code topicName} (a message, or quarantined readings replayed).
     * Readings must have distinct keys.
     *
     * @return what became of each reading, by key, in the readings' order
     */
    public Map<String, ReadingOutcome> ingest(String topicName, List<Reading> readings) {
        Map<String, ReadingOutcome> outcomes = new LinkedHashMap<>();
        // One lookup per device and message: a stream's readings come in dozens per message.
        Map<String, DeviceLookup> lookups = new HashMap<>();
        List<Reading> spot = new ArrayList<>();
        List<Observation> observations = new ArrayList<>();
        List<WindowedSample> samples = new ArrayList<>();
        List<InfluxSink.Owned> spotPoints = new ArrayList<>();
        List<InfluxSink.Owned> points = new ArrayList<>();
        for (Reading reading : readings) {
            Resolution resolution = lookups.computeIfAbsent(PatientResolver.identifier(reading.device()),
                    id -> resolver.lookup(reading.device())).at(reading.measuredAt());
            if (resolution instanceof Resolution.Assigned owner) {
                try {
                    InfluxSink.Owned point = new InfluxSink.Owned(reading, owner.patientId());
                    if (windows.isContinuous(reading)) {
                        samples.add(windows.sample(reading, owner, mapper.singleQuantity(reading)));
                        points.add(point);
                    } else {
                        observations.add(mapper.map(reading, owner));
                        spot.add(reading);
                        spotPoints.add(point);
                    }
                } catch (MappingException e) {
                    quarantine(outcomes, topicName, reading, QuarantineReason.UNMAPPABLE, e.getMessage());
                }
            } else if (resolution instanceof Resolution.UnknownDevice unknown) {
                quarantine(outcomes, topicName, reading, QuarantineReason.UNKNOWN_DEVICE,
                        "no Device with identifier " + unknown.identifier());
            } else if (resolution instanceof Resolution.UnassignedDevice unassigned) {
                quarantine(outcomes, topicName, reading, QuarantineReason.UNASSIGNED_DEVICE,
                        unassigned.device() + " " + unassigned.why());
            } else if (resolution instanceof Resolution.ConflictingAssignments conflict) {
                quarantine(outcomes, topicName, reading, QuarantineReason.CONFLICTING_ASSIGNMENTS,
                        conflict.device() + ": " + conflict.why());
            }
        }
        if (!samples.isEmpty()) {
            // Durable before the acknowledgement; the window's Observation is written once the window has ended.
            windows.add(samples).forEach((key, window) -> outcomes.put(key, new ReadingOutcome.Windowed(key, window)));
            metrics.counter("vitalwire.ingest.readings", "outcome", "windowed").increment(samples.size());
        }
        if (!observations.isEmpty()) {
            try {
                Bundle response = fhir.write(observations);
                for (int i = 0; i < spot.size(); i++) {
                    String location = response.getEntry().get(i).getResponse().getLocation();
                    String key = spot.get(i).key();
                    outcomes.put(key, new ReadingOutcome.Delivered(key,
                            new IdType(location).toUnqualifiedVersionless().getValue()));
                }
                points.addAll(spotPoints);
                metrics.counter("vitalwire.ingest.readings", "outcome", "written").increment(observations.size());
            } catch (FhirRejectedException e) {
                // A poison message must not block the subscription: set its readings aside, with the server's answer.
                for (Reading reading : spot) {
                    quarantine(outcomes, topicName, reading, QuarantineReason.FHIR_REJECTED, e.getMessage());
                }
            }
        }
        influx.write(points);
        Map<String, ReadingOutcome> ordered = new LinkedHashMap<>();
        readings.forEach(r -> ordered.put(r.key(), outcomes.get(r.key())));
        return ordered;
    }

    private void quarantine(Map<String, ReadingOutcome> outcomes, String topic, Reading reading,
                            QuarantineReason reason, String detail) {
        String device = reading.device().serial() != null ? reading.device().serial() : reading.device().address();
        quarantine.put(topic, reading.key(), device, reason, detail, codec.encodeReading(reading));
        outcomes.put(reading.key(), new ReadingOutcome.Quarantined(reading.key(), reason));
    }
}
