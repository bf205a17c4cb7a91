package io.vitalwire.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ContractViolation;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingBatch;
import io.vitalwire.contract.Topic;
import io.vitalwire.ingest.inbox.Inbox;
import io.vitalwire.ingest.influx.InfluxSink;
import io.vitalwire.ingest.quarantine.QuarantineReason;
import io.vitalwire.ingest.quarantine.QuarantineStore;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pipeline in order. A readings message is decoded and its readings committed to the durable {@link Inbox}
 * ({@link #handle}), whose workers take each reading through {@link ReadingRouter} (whose patient, spot or stream
 * sample) and then, independently, {@link FhirDelivery} (Observation, or stream window) and InfluxDB. Readings that
 * must be handled at once instead — quarantined readings replayed — go through the same stages synchronously
 * ({@link #ingest}).
 */
@Singleton
public class ReadingsIngest {

    private final ContractCodec codec = new ContractCodec();
    private final Inbox inbox;
    private final ReadingRouter router;
    private final FhirDelivery fhir;
    private final InfluxSink influx;
    private final QuarantineStore quarantine;
    private final MeterRegistry metrics;

    public ReadingsIngest(Inbox inbox, ReadingRouter router, FhirDelivery fhir, InfluxSink influx,
                          QuarantineStore quarantine, MeterRegistry metrics) {
        this.inbox = inbox;
        this.router = router;
        this.fhir = fhir;
        this.influx = influx;
        this.quarantine = quarantine;
        this.metrics = metrics;
    }

    /**
     * Takes one readings message: returns normally once its readings are committed to the inbox (or the payload to
     * the quarantine), so the message may then be acknowledged. Any exception means "not durable, do not
     * acknowledge": the broker delivers the message again.
     */
    public void handle(String topicName, byte[] payload) {
        ReadingBatch batch;
        try {
            Topic topic = Topic.parse(topicName);
            batch = (ReadingBatch) codec.decode(topic, payload);
        } catch (ContractViolation v) {
            quarantine.put(topicName, null, null, QuarantineReason.CONTRACT_VIOLATION,
                    v.reason() + ": " + v.getMessage(), payload);
            metrics.counter("vitalwire.ingest.messages", "channel", "readings", "outcome", "quarantined").increment();
            return;
        }
        inbox.accept(topicName, batch.readings());
        metrics.counter("vitalwire.ingest.messages", "channel", "readings", "outcome", "inboxed").increment();
    }

    /**
     * Ingests readings that arrived together on {@code topicName} at once, every stage before returning
     * (quarantined readings replayed). Readings must have distinct keys.
     *
     * @return what became of each reading, by key, in the readings' order
     * @throws RuntimeException when a stage's service is unreachable or failing; what was done is idempotent
     */
    public Map<String, ReadingOutcome> ingest(String topicName, List<Reading> readings) {
        Map<String, ReadingOutcome> outcomes = new HashMap<>();
        List<Route.Sample> samples = new ArrayList<>();
        List<Route.Spot> spots = new ArrayList<>();
        List<InfluxSink.Owned> points = new ArrayList<>();
        for (Route route : router.route(readings)) {
            if (route instanceof Route.Refused refused) {
                quarantine(outcomes, topicName, refused);
                continue;
            }
            Route.Owned owned = (Route.Owned) route;
            if (owned instanceof Route.Sample sample) {
                samples.add(sample);
            } else {
                spots.add((Route.Spot) owned);
            }
            points.add(new InfluxSink.Owned(owned.reading(), owned.owner().patientId()));
        }
        outcomes.putAll(fhir.storeSamples(samples));
        FhirDelivery.Written written = fhir.writeSpots(spots);
        written.delivered().forEach(d -> outcomes.put(d.readingKey(), d));
        written.refused().forEach(r -> quarantine(outcomes, topicName, r));
        for (InfluxSink.Refusal r : influx.write(points)) {
            // Its FHIR outcome stands; the time series lacks it, and the quarantine says why.
            quarantine.putReading(topicName, r.reading(), QuarantineReason.INFLUX_REJECTED, r.why());
        }
        Map<String, ReadingOutcome> ordered = new LinkedHashMap<>();
        readings.forEach(r -> ordered.put(r.key(), outcomes.get(r.key())));
        return ordered;
    }

    private void quarantine(Map<String, ReadingOutcome> outcomes, String topic, Route.Refused refused) {
        quarantine.putReading(topic, refused.reading(), refused.reason(), refused.detail());
        String key = refused.reading().key();
        outcomes.put(key, new ReadingOutcome.Quarantined(key, refused.reason()));
    }
}
