package io.vitalwire.ingest.resolve;

import io.vitalwire.ingest.fhir.FhirFailures;
import io.vitalwire.ingest.pipeline.Owner;
import io.vitalwire.ingest.pipeline.Stage;
import io.vitalwire.ingest.pipeline.StageBatch;
import io.vitalwire.ingest.pipeline.StageEntry;
import io.vitalwire.ingest.quarantine.QuarantineReason;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;

/**
 * {@code resolve}: each reading's owner — the device's patient at the measurement time — decided once and kept
 * with the reading for every later stage; or the reading is quarantined because nobody owns it (unknown,
 * unassigned, conflicting assignments), replayable once the device is assigned. Only resolves: whether an
 * Observation can hold the reading is the FHIR stage's question. Each device is looked up once per batch, the
 * devices not cached in as few FHIR searches as possible; a failing search sends back only its devices' readings.
 */
@Singleton
public class ResolveStage implements Stage {

    private final PatientResolver resolver;

    public ResolveStage(PatientResolver resolver) {
        this.resolver = resolver;
    }

    @Override
    public String name() {
        return "resolve";
    }

    @Override
    public void handle(StageBatch batch) {
        List<List<StageEntry>> devices = batch.byDevice();
        PatientResolver.Lookups lookups = resolver.lookupAll(devices.stream()
                .map(device -> device.get(0).reading().device()).toList());
        for (List<StageEntry> device : devices) {
            Optional<DeviceLookup> lookup = lookups.of(device.get(0).reading().device());
            if (lookup.isEmpty()) {
                batch.failed(device, FhirFailures.of(lookups.failure()));
                continue;
            }
            for (StageEntry e : device) {
                settle(batch, e, lookup.get().at(e.measuredAt()));
            }
        }
    }

    private static void settle(StageBatch batch, StageEntry e, Resolution resolution) {
        if (resolution instanceof Resolution.Assigned a) {
            batch.owned(e, new Owner(a.patient(), a.device()), "owned through " + a.device());
        } else if (resolution instanceof Resolution.UnknownDevice u) {
            batch.quarantined(e, QuarantineReason.UNKNOWN_DEVICE, "no Device with identifier " + u.identifier());
        } else if (resolution instanceof Resolution.UnassignedDevice u) {
            batch.quarantined(e, QuarantineReason.UNASSIGNED_DEVICE, u.device() + " " + u.why());
        } else {
            Resolution.ConflictingAssignments c = (Resolution.ConflictingAssignments) resolution;
            batch.quarantined(e, QuarantineReason.CONFLICTING_ASSIGNMENTS, c.device() + ": " + c.why());
        }
    }
}
