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
import io.vitalwire.ingest.resolve.PatientResolver;
import io.vitalwire.ingest.resolve.Resolution;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Observation;

/**
 * Handles one readings message from start to end: decode → resolve each reading's patient → map → write to FHIR and
 * InfluxDB. Returns normally only when every reading is written or quarantined; any exception means "not handled,
 * do not acknowledge", and the broker will deliver the message again.
 */
@Singleton
public class ReadingsIngest {

    private final ContractCodec codec = new ContractCodec();
    private final PatientResolver resolver;
    private final ObservationMapper mapper;
    private final FhirSink fhir;
    private final InfluxSink influx;
    private final QuarantineStore quarantine;
    private final MeterRegistry metrics;

    public ReadingsIngest(PatientResolver resolver, ObservationMapper mapper, FhirSink fhir, InfluxSink influx,
                          QuarantineStore quarantine, MeterRegistry metrics) {
        this.resolver = resolver;
        this.mapper = mapper;
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
            quarantine.put(topicName, null, QuarantineReason.CONTRACT_VIOLATION, v.reason() + ": " + v.getMessage(),
                    payload);
            return;
        }
        List<Observation> observations = new ArrayList<>();
        List<InfluxSink.Owned> points = new ArrayList<>();
        for (Reading reading : batch.readings()) {
            Resolution resolution = resolver.resolve(reading.device());
            if (resolution instanceof Resolution.Assigned owner) {
                try {
                    observations.add(mapper.map(reading, owner));
                    points.add(new InfluxSink.Owned(reading, owner.patient().replaceFirst("^Patient/", "")));
                } catch (MappingException e) {
                    quarantine(topicName, reading, QuarantineReason.UNMAPPABLE, e.getMessage());
                }
            } else if (resolution instanceof Resolution.UnknownDevice unknown) {
                quarantine(topicName, reading, QuarantineReason.UNKNOWN_DEVICE,
                        "no Device with identifier " + unknown.identifier());
            } else if (resolution instanceof Resolution.UnassignedDevice unassigned) {
                quarantine(topicName, reading, QuarantineReason.UNASSIGNED_DEVICE,
                        unassigned.device() + " has no patient");
            }
        }
        if (!observations.isEmpty()) {
            try {
                fhir.write(observations);
            } catch (FhirRejectedException e) {
                // A poison message must not block the subscription: set its readings aside, with the server's answer.
                for (InfluxSink.Owned owned : points) {
                    quarantine(topicName, owned.reading(), QuarantineReason.FHIR_REJECTED, e.getMessage());
                }
                return;
            }
        }
        influx.write(points);
        metrics.counter("vitalwire.ingest.readings", "outcome", "written").increment(observations.size());
    }

    private void quarantine(String topic, Reading reading, QuarantineReason reason, String detail) {
        quarantine.put(topic, reading.key(), reason, detail, codec.encodeReading(reading));
    }
}
