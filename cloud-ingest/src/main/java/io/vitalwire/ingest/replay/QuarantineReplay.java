package io.vitalwire.ingest.replay;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ContractViolation;
import io.vitalwire.contract.Reading;
import io.vitalwire.ingest.ReadingOutcome;
import io.vitalwire.ingest.ReadingsIngest;
import io.vitalwire.ingest.quarantine.QuarantineReason;
import io.vitalwire.ingest.quarantine.QuarantineStore;
import io.vitalwire.ingest.resolve.PatientResolver;
import io.vitalwire.ingest.resolve.Resolution;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-ingests quarantined readings that were held back for their device (unknown, unassigned, conflicting
 * assignments) once the device resolves to a patient at the reading's measurement time. Each entry is replayed
 * once: it is marked with the time and what became of the reading, in the transaction that took it; a replay
 * interrupted before that mark is repeated, and the sinks' idempotence (conditional create on the reading key,
 * window samples keyed by it, InfluxDB points by series and time) keeps the repeat from duplicating anything.
 * Entries whose device still resolves to nobody stay in the quarantine, awaiting a later replay.
 *
 * <p>Metric: {@code vitalwire.ingest.quarantine.replayed{outcome=delivered|windowed|quarantined}}.
 */
@Singleton
public class QuarantineReplay {

    private static final Logger LOG = LoggerFactory.getLogger(QuarantineReplay.class);
    /** The reasons an assignment in FHIR can cure; the others need a fix elsewhere. */
    static final Set<QuarantineReason> REPLAYABLE = EnumSet.of(QuarantineReason.UNKNOWN_DEVICE,
            QuarantineReason.UNASSIGNED_DEVICE, QuarantineReason.CONFLICTING_ASSIGNMENTS);

    private final ContractCodec codec = new ContractCodec();
    private final QuarantineStore store;
    private final PatientResolver resolver;
    private final ReadingsIngest ingest;
    private final ReplayConfig config;
    private final MeterRegistry metrics;

    public QuarantineReplay(QuarantineStore store, PatientResolver resolver, ReadingsIngest ingest,
                            ReplayConfig config, MeterRegistry metrics) {
        this.store = store;
        this.resolver = resolver;
        this.ingest = ingest;
        this.config = config;
        this.metrics = metrics;
    }

    /**
     * Replays a device's held-back readings now, reading its assignments afresh from FHIR (an operator asks right
     * after assigning it).
     *
     * @param device the device's serial, or its BLE address
     */
    public ReplayReport replayDevice(String device) {
        resolver.forget(device);
        return replay(device);
    }

    /** Replays the held-back readings of every device that has some. */
    public ReplayReport sweep() {
        ReplayReport total = ReplayReport.NONE;
        for (String device : store.devicesAwaitingReplay(REPLAYABLE)) {
            total = total.plus(replay(device));
        }
        return total;
    }

    private ReplayReport replay(String device) {
        ReplayReport report = ReplayReport.NONE;
        long after = 0;
        while (true) {
            QuarantineStore.ReplayPage page = store.replay(device, REPLAYABLE, after, config.getBatchSize(),
                    this::replayEntries);
            if (page.examined() == 0) {
                return report;
            }
            report = report.plus(new ReplayReport(page.examined(), page.replayed(),
                    page.examined() - page.replayed()));
            after = page.lastId();
        }
    }

    private Map<Long, String> replayEntries(List<QuarantineStore.Entry> entries) {
        // Readings that resolve now, once each (a redelivered message quarantined a reading twice), per topic.
        Map<String, Map<String, Reading>> byTopic = new LinkedHashMap<>();
        Map<Long, String> keyOfEntry = new HashMap<>();
        for (QuarantineStore.Entry e : entries) {
            Reading reading = decode(e);
            if (reading != null && resolver.resolve(reading.device(), reading.measuredAt())
                    instanceof Resolution.Assigned) {
                byTopic.computeIfAbsent(e.topic(), t -> new LinkedHashMap<>()).putIfAbsent(reading.key(), reading);
                keyOfEntry.put(e.id(), reading.key());
            }
        }
        Map<String, ReadingOutcome> outcomes = new HashMap<>();
        byTopic.forEach((topic, readings) -> outcomes.putAll(ingest.ingest(topic, new ArrayList<>(readings.values()))));
        Map<Long, String> results = new HashMap<>();
        keyOfEntry.forEach((id, key) -> {
            ReadingOutcome outcome = outcomes.get(key);
            results.put(id, outcome.summary());
            metrics.counter("vitalwire.ingest.quarantine.replayed", "outcome", kind(outcome)).increment();
        });
        return results;
    }

    private Reading decode(QuarantineStore.Entry e) {
        try {
            return codec.decodeReading(e.payload());
        } catch (ContractViolation v) {
            // Written by this service from a valid reading; unreadable means a bug or a hand edit: leave it be.
            LOG.warn("quarantine entry {} is not a readable reading ({}); not replayed", e.id(), v.reason());
            return null;
        }
    }

    private static String kind(ReadingOutcome outcome) {
        if (outcome instanceof ReadingOutcome.Delivered) {
            return "delivered";
        }
        return outcome instanceof ReadingOutcome.Windowed ? "windowed" : "quarantined";
    }
}
