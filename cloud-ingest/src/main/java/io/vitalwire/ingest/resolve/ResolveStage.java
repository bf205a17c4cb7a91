package io.vitalwire.ingest.resolve;

import io.vitalwire.ingest.fhir.FhirFailures;
import io.vitalwire.ingest.installation.DeviceInstallations;
import io.vitalwire.ingest.installation.FirstUse;
import io.vitalwire.ingest.installation.Hub;
import io.vitalwire.ingest.installation.Installation;
import io.vitalwire.ingest.pipeline.Failure;
import io.vitalwire.ingest.pipeline.Owner;
import io.vitalwire.ingest.pipeline.Stage;
import io.vitalwire.ingest.pipeline.StageBatch;
import io.vitalwire.ingest.pipeline.StageEntry;
import io.vitalwire.ingest.quarantine.QuarantineReason;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code resolve}: each reading's owner — the device's patient at the measurement time — decided once and kept
 * with the reading for every later stage; or the reading is quarantined because nobody owns it (unknown,
 * unassigned, conflicting assignments), replayable once the device is assigned. Only resolves: whether an
 * Observation can hold the reading is the FHIR stage's question. Each device is looked up once per batch, the
 * devices not cached in as few FHIR searches as possible; a failing search sends back only its devices' readings.
 *
 * <p>First, the device's installation ({@link DeviceInstallations}): a reading sent by another hub than the one the
 * device is installed at is quarantined ({@code DEVICE_NOT_AT_GATEWAY}), whoever the patient; a device's first
 * assigned reading records its installation ({@link FirstUse}). Unknown and unassigned devices bind nothing.
 */
@Singleton
public class ResolveStage implements Stage {

    private final PatientResolver resolver;
    private final DeviceInstallations installations;

    public ResolveStage(PatientResolver resolver, DeviceInstallations installations) {
        this.resolver = resolver;
        this.installations = installations;
    }

    @Override
    public String name() {
        return "resolve";
    }

    @Override
    public void handle(StageBatch batch) {
        List<List<StageEntry>> devices = batch.byDevice();
        Map<String, Installation> installed;
        try {
            installed = new HashMap<>(installations.of(devices.stream().map(device -> device.get(0).device())
                    .toList()));
        } catch (RuntimeException e) {
            // The registry is in PostgreSQL: retried with the backoff, reported in the stage's health.
            batch.failed(batch.entries(), new Failure(Failure.Cause.ERROR, "device installations unreadable: "
                    + e.getMessage()));
            return;
        }
        PatientResolver.Lookups lookups = resolver.lookupAll(devices.stream()
                .map(device -> device.get(0).reading().device()).toList());
        for (List<StageEntry> device : devices) {
            List<StageEntry> atTheirHub = new ArrayList<>(device.size());
            for (StageEntry e : device) {
                if (installedElsewhere(batch, e, installed.get(e.device()))) {
                    continue;
                }
                atTheirHub.add(e);
            }
            if (atTheirHub.isEmpty()) {
                continue;
            }
            Optional<DeviceLookup> lookup = lookups.of(device.get(0).reading().device());
            if (lookup.isEmpty()) {
                batch.failed(atTheirHub, FhirFailures.of(lookups.failure()));
                continue;
            }
            for (StageEntry e : atTheirHub) {
                Resolution resolution = lookup.get().at(e.measuredAt(), e.reading().device().userIndex());
                if (resolution instanceof Resolution.Assigned && !installed.containsKey(e.device())) {
                    Optional<Installation> first = installOnFirstUse(batch, e);
                    if (first.isEmpty()) {
                        continue;
                    }
                    installed.put(e.device(), first.get());
                    if (installedElsewhere(batch, e, first.get())) {
                        continue;
                    }
                }
                settle(batch, e, resolution);
            }
        }
    }

    /**
     * Quarantines the reading if its device is installed at another hub than the one that sent it: a device speaks
     * only through its own home's hub. Checked before the owner, so that a hub cannot write into the record of a
     * patient whose device serial it knows.
     */
    private static boolean installedElsewhere(StageBatch batch, StageEntry e, Installation installation) {
        if (installation == null) {
            return false;
        }
        Hub sender = Hub.of(e.topic());
        if (installation.hub().equals(sender)) {
            return false;
        }
        batch.quarantined(e, QuarantineReason.DEVICE_NOT_AT_GATEWAY, "device installed at hub " + installation.hub()
                + " (since " + installation.installedAt() + ", by " + installation.installedBy() + "), sent by hub "
                + sender + "; replayable once the device is moved to it");
        return true;
    }

    /**
     * The first assigned reading of a device no installation names: installs it at the sending hub (trust on first
     * use, audited), or quarantines the reading when installations are required.
     *
     * @return the device's installation now; empty when the reading was quarantined
     */
    private Optional<Installation> installOnFirstUse(StageBatch batch, StageEntry e) {
        Hub sender = Hub.of(e.topic());
        if (installations.firstUse() == FirstUse.REQUIRE_INSTALLATION) {
            batch.quarantined(e, QuarantineReason.DEVICE_NOT_AT_GATEWAY, "no installation recorded (first use "
                    + "requires one); replayable once the device is installed at hub " + sender);
            return Optional.empty();
        }
        return Optional.of(installations.bindOnFirstUse(e.device(), sender, e.readingKey()));
    }

    private static void settle(StageBatch batch, StageEntry e, Resolution resolution) {
        if (resolution instanceof Resolution.Assigned a) {
            batch.owned(e, new Owner(a.patient(), a.device()), "owned through " + a.device());
        } else if (resolution instanceof Resolution.UnknownDevice u) {
            batch.quarantined(e, QuarantineReason.UNKNOWN_DEVICE, "no Device with identifier " + u.identifier());
        } else if (resolution instanceof Resolution.UnassignedDevice u) {
            batch.quarantined(e, QuarantineReason.UNASSIGNED_DEVICE, u.device() + " " + u.why());
        } else if (resolution instanceof Resolution.UnboundUser u) {
            batch.quarantined(e, QuarantineReason.UNBOUND_USER, u.device() + " " + u.why()
                    + "; replayable once the user is bound");
        } else {
            Resolution.ConflictingAssignments c = (Resolution.ConflictingAssignments) resolution;
            batch.quarantined(e, QuarantineReason.CONFLICTING_ASSIGNMENTS, c.device() + ": " + c.why());
        }
    }
}
