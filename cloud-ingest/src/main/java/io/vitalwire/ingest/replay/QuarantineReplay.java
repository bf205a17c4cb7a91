package io.vitalwire.ingest.replay;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ContractViolation;
import io.vitalwire.contract.Reading;
import io.vitalwire.ingest.inbox.InboxSignals;
import io.vitalwire.ingest.installation.DeviceInstallations;
import io.vitalwire.ingest.installation.Hub;
import io.vitalwire.ingest.inbox.InboxStore;
import io.vitalwire.ingest.pipeline.Pipeline;
import io.vitalwire.ingest.quarantine.QuarantineReason;
import io.vitalwire.ingest.quarantine.QuarantineStore;
import io.vitalwire.ingest.resolve.DeviceLookup;
import io.vitalwire.ingest.resolve.PatientResolver;
import io.vitalwire.ingest.resolve.Resolution;
import io.vitalwire.ingest.tenancy.GatewayTenants;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts quarantined readings that were held back for their device (unknown, unassigned, conflicting assignments,
 * installed at another hub) back into the inbox once the device resolves to a patient at the reading's measurement
 * time and, for {@code DEVICE_NOT_AT_GATEWAY}, is installed at the hub that sent the reading (for
 * {@code TENANT_MISMATCH}: the sending gateway is registered under the topic's tenant). From there they take
 * the way every reading takes — the same stages, retries, independent sinks and explain trail — because replay is
 * only one guarded transition: the reading's entry goes from QUARANTINED back to PENDING in the stage that set it
 * aside ({@link InboxStore#requeue}), or, when the entry was purged since, the reading is taken into the inbox again.
 * Both happen in the transaction that marks the quarantine entry replayed, so an entry is replayed once, and
 * nothing is written to FHIR or InfluxDB inside it. Entries whose device still resolves to nobody stay in the
 * quarantine, awaiting a later replay.
 *
 * <p>Metric: {@code vitalwire.ingest.quarantine.replayed{outcome=requeued|readded|inboxed-already}}.
 */
@Singleton
public class QuarantineReplay {

    private static final Logger LOG = LoggerFactory.getLogger(QuarantineReplay.class);
    /**
     * The reasons an assignment in FHIR, a device's installation at the sending hub, or the sending gateway's
     * registration under the topic's tenant can cure; the others need a fix elsewhere (or a person's decision:
     * {@code KEY_CONFLICT}, {@code GATEWAY_MISMATCH}).
     */
    static final Set<QuarantineReason> REPLAYABLE = EnumSet.of(QuarantineReason.UNKNOWN_DEVICE,
            QuarantineReason.UNASSIGNED_DEVICE, QuarantineReason.CONFLICTING_ASSIGNMENTS,
            QuarantineReason.DEVICE_NOT_AT_GATEWAY, QuarantineReason.UNBOUND_USER, QuarantineReason.TENANT_MISMATCH);

    private final ContractCodec codec = new ContractCodec();
    private final QuarantineStore store;
    private final PatientResolver resolver;
    private final DeviceInstallations installations;
    private final GatewayTenants tenants;
    private final InboxStore inbox;
    private final InboxSignals signals;
    private final Pipeline pipeline;
    private final ReplayConfig config;
    private final MeterRegistry metrics;
    private final Clock clock;

    public QuarantineReplay(QuarantineStore store, PatientResolver resolver, DeviceInstallations installations,
                            GatewayTenants tenants, InboxStore inbox, InboxSignals signals, Pipeline pipeline,
                            ReplayConfig config, MeterRegistry metrics, Clock clock) {
        this.store = store;
        this.resolver = resolver;
        this.installations = installations;
        this.tenants = tenants;
        this.inbox = inbox;
        this.signals = signals;
        this.pipeline = pipeline;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
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
            Set<String> woken = new LinkedHashSet<>();
            List<String> outcomes = new ArrayList<>();
            QuarantineStore.ReplayPage page = store.replay(device, REPLAYABLE, after, config.getBatchSize(),
                    (c, entries) -> requeue(c, entries, woken, outcomes));
            // Committed: the workers may take them, and they count.
            woken.forEach(signals::wake);
            outcomes.forEach(o -> metrics.counter("vitalwire.ingest.quarantine.replayed", "outcome", o).increment());
            if (page.examined() == 0) {
                return report;
            }
            report = report.plus(new ReplayReport(page.examined(), page.replayed(),
                    page.examined() - page.replayed()));
            after = page.lastId();
        }
    }

    /** Puts the entries whose device resolves now back into the inbox; collects the stages to wake. */
    private Map<Long, String> requeue(Connection c, List<QuarantineStore.Entry> entries, Set<String> woken,
                                      List<String> outcomes) throws SQLException {
        Map<String, DeviceLookup> lookups = new HashMap<>();
        Map<Long, String> results = new HashMap<>();
        Instant now = clock.instant();
        for (QuarantineStore.Entry e : entries) {
            Reading reading = decode(e);
            if (reading == null || !(lookups.computeIfAbsent(PatientResolver.identifier(reading.device()),
                    id -> resolver.lookup(reading.device())).at(reading.measuredAt(), reading.device().userIndex()) instanceof Resolution.Assigned)) {
                continue;
            }
            if (e.reason() == QuarantineReason.DEVICE_NOT_AT_GATEWAY
                    && !installations.admits(reading.device().stableId(), Hub.of(e.topic()))) {
                continue; // still installed elsewhere (or nowhere, where installations are required)
            }
            if (e.reason() == QuarantineReason.TENANT_MISMATCH && !tenants.admits(Hub.of(e.topic()))) {
                continue; // the gateway still belongs to another tenant (or to none, where registrations are required)
            }
            String stage = e.stage() != null && pipeline.has(e.stage()) ? e.stage() : pipeline.first();
            String outcome;
            if (inbox.requeue(c, reading.key(), stage, now)) {
                outcome = "requeued";
                results.put(e.id(), "back in the inbox: " + stage);
                woken.add(stage);
            } else if (inbox.add(c, e.topic(), List.of(reading), now) == 1) {
                outcome = "readded";
                results.put(e.id(), "taken into the inbox again: " + pipeline.first());
                woken.add(pipeline.first());
            } else {
                // A redelivered message quarantined the reading twice, and its other entry put it back already.
                outcome = "inboxed-already";
                results.put(e.id(), "in the inbox already");
            }
            outcomes.add(outcome);
        }
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
}
