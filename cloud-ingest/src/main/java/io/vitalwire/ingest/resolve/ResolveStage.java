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
import io.vitalwire.ingest.tenancy.FirstReading;
import io.vitalwire.ingest.tenancy.GatewayTenants;
import io.vitalwire.ingest.tenancy.Registration;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
 * <p>First, the sending gateway's tenant ({@link GatewayTenants}): a reading whose topic names another tenant than
 * the one its gateway is registered under is quarantined ({@code TENANT_MISMATCH}); a gateway's first reading
 * registers it ({@link FirstReading}). Then the device's installation ({@link DeviceInstallations}): a reading sent by
 * another hub than the one the device is installed at is quarantined ({@code DEVICE_NOT_AT_GATEWAY}), whoever the
 * patient; a device's first assigned reading records its installation ({@link FirstUse}). Unknown and unassigned
 * devices bind nothing.
 */
@Singleton
public class ResolveStage implements Stage {

    private final PatientResolver resolver;
    private final DeviceInstallations installations;
    private final GatewayTenants tenants;

    public ResolveStage(PatientResolver resolver, DeviceInstallations installations, GatewayTenants tenants) {
        this.resolver = resolver;
        this.installations = installations;
        this.tenants = tenants;
    }

    @Override
    public String name() {
        return "resolve";
    }

    @Override
    public void handle(StageBatch batch) {
        List<List<StageEntry>> devices = batch.byDevice();
        Map<String, Installation> installed;
        Map<String, Registration> registered;
        try {
            installed = new HashMap<>(installations.of(devices.stream().map(device -> device.get(0).device())
                    .toList()));
            registered = new HashMap<>(tenants.of(batch.entries().stream().map(e -> Hub.of(e.topic()).gateway())
                    .toList()));
        } catch (RuntimeException e) {
            // The registries are in PostgreSQL: retried with the backoff, reported in the stage's health.
            batch.failed(batch.entries(), new Failure(Failure.Cause.ERROR, "device installations or gateway "
                    + "tenants unreadable: " + e.getMessage()));
            return;
        }
        PatientResolver.Lookups lookups = resolver.lookupAll(devices.stream()
                .map(device -> device.get(0).reading().device()).toList());
        List<Resolved> resolved = new ArrayList<>();
        Map<String, DeviceInstallations.FirstUseOf> firstUses = new LinkedHashMap<>();
        for (List<StageEntry> device : devices) {
            List<StageEntry> atTheirHub = new ArrayList<>(device.size());
            for (StageEntry e : device) {
                if (ofAnotherTenant(batch, e, registered) || installedElsewhere(batch, e, installed.get(e.device()))) {
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
                    if (installations.firstUse() == FirstUse.REQUIRE_INSTALLATION) {
                        batch.quarantined(e, QuarantineReason.DEVICE_NOT_AT_GATEWAY, "no installation recorded "
                                + "(first use requires one); replayable once the device is installed at hub "
                                + Hub.of(e.topic()));
                        continue;
                    }
                    firstUses.putIfAbsent(e.device(), new DeviceInstallations.FirstUseOf(e.device(),
                            Hub.of(e.topic()), e.readingKey()));
                }
                resolved.add(new Resolved(e, resolution));
            }
        }
        // The claim's first uses bound at once (trust on first use, audited); a device another hub bound first
        // meanwhile sends its readings to quarantine below.
        Failure unbound = null;
        try {
            installed.putAll(installations.bindOnFirstUse(List.copyOf(firstUses.values())));
        } catch (RuntimeException e) {
            // PostgreSQL: only the first-used devices' readings wait for a retry; the others are settled.
            unbound = new Failure(Failure.Cause.ERROR, "device installations unwritable: " + e.getMessage());
        }
        List<StageEntry> waiting = new ArrayList<>();
        for (Resolved r : resolved) {
            boolean firstUse = firstUses.containsKey(r.entry().device());
            if (firstUse && unbound != null) {
                waiting.add(r.entry());
            } else if (!firstUse || !installedElsewhere(batch, r.entry(), installed.get(r.entry().device()))) {
                settle(batch, r.entry(), r.resolution());
            }
        }
        if (!waiting.isEmpty()) {
            batch.failed(waiting, unbound);
        }
    }

    /** A reading's owner as decided, to be settled once the claim's first uses are bound. */
    private record Resolved(StageEntry entry, Resolution resolution) {
    }

    /**
     * Quarantines the reading if its topic names another tenant than the one its gateway is registered under: a
     * tenant's records take readings of its own gateways only. Checked first, so that nothing of another tenant's hub
     * binds a device or reaches a patient. A gateway no registration names is registered on its first reading, or,
     * where registrations are required, the reading is quarantined.
     */
    private boolean ofAnotherTenant(StageBatch batch, StageEntry e, Map<String, Registration> registered) {
        Hub sender = Hub.of(e.topic());
        Registration registration = registered.get(sender.gateway());
        if (registration == null) {
            if (tenants.firstUse() == FirstReading.REQUIRE_REGISTRATION) {
                batch.quarantined(e, QuarantineReason.TENANT_MISMATCH, "gateway " + sender.gateway() + " is "
                        + "registered under no tenant (first use requires a registration); replayable once it is "
                        + "registered under tenant " + sender.tenant());
                return true;
            }
            registration = tenants.registerOnFirstUse(sender, e.readingKey());
            registered.put(sender.gateway(), registration);
        }
        if (registration.tenant().equals(sender.tenant())) {
            return false;
        }
        batch.quarantined(e, QuarantineReason.TENANT_MISMATCH, "gateway " + sender.gateway() + " is registered "
                + "under tenant " + registration.tenant() + " (since " + registration.registeredAt() + ", by "
                + registration.registeredBy() + "), sent under tenant " + sender.tenant()
                + "; replayable once it is registered under it");
        return true;
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
