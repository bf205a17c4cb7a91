package io.vitalwire.ingest;

import io.vitalwire.contract.Reading;
import io.vitalwire.ingest.map.MappingException;
import io.vitalwire.ingest.map.ObservationMapper;
import io.vitalwire.ingest.quarantine.QuarantineReason;
import io.vitalwire.ingest.resolve.DeviceLookup;
import io.vitalwire.ingest.resolve.PatientResolver;
import io.vitalwire.ingest.resolve.Resolution;
import io.vitalwire.ingest.window.StreamWindows;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides each reading's {@link Route}: its patient at its measurement time (through {@link PatientResolver}), then
 * a spot Observation or a sample of its stream's window; a reading without a patient, or one no profile-conformant
 * Observation can hold, is refused with the quarantine reason.
 */
@Singleton
public class ReadingRouter {

    private final PatientResolver resolver;
    private final ObservationMapper mapper;
    private final StreamWindows windows;

    public ReadingRouter(PatientResolver resolver, ObservationMapper mapper, StreamWindows windows) {
        this.resolver = resolver;
        this.mapper = mapper;
        this.windows = windows;
    }

    /**
     * Routes readings in their order, looking each device up once: a stream's readings come in dozens per device.
     *
     * @throws RuntimeException when the FHIR server cannot be asked (unreachable, failing): try again later
     */
    public List<Route> route(List<Reading> readings) {
        Map<String, DeviceLookup> lookups = new HashMap<>();
        List<Route> routes = new ArrayList<>(readings.size());
        for (Reading reading : readings) {
            Resolution resolution = lookups.computeIfAbsent(PatientResolver.identifier(reading.device()),
                    id -> resolver.lookup(reading.device())).at(reading.measuredAt());
            routes.add(route(reading, resolution));
        }
        return routes;
    }

    private Route route(Reading reading, Resolution resolution) {
        if (resolution instanceof Resolution.Assigned owner) {
            return owned(reading, owner);
        }
        if (resolution instanceof Resolution.UnknownDevice unknown) {
            return new Route.Refused(reading, QuarantineReason.UNKNOWN_DEVICE,
                    "no Device with identifier " + unknown.identifier());
        }
        if (resolution instanceof Resolution.UnassignedDevice unassigned) {
            return new Route.Refused(reading, QuarantineReason.UNASSIGNED_DEVICE,
                    unassigned.device() + " " + unassigned.why());
        }
        Resolution.ConflictingAssignments conflict = (Resolution.ConflictingAssignments) resolution;
        return new Route.Refused(reading, QuarantineReason.CONFLICTING_ASSIGNMENTS,
                conflict.device() + ": " + conflict.why());
    }

    /** The route of a reading whose owner was decided already (the inbox keeps it from its RESOLVE stage). */
    public Route owned(Reading reading, Resolution.Assigned owner) {
        try {
            if (windows.isContinuous(reading)) {
                return new Route.Sample(reading, owner, windows.sample(reading, owner, mapper.singleQuantity(reading)));
            }
            return new Route.Spot(reading, owner, mapper.map(reading, owner));
        } catch (MappingException e) {
            return new Route.Refused(reading, QuarantineReason.UNMAPPABLE, e.getMessage());
        }
    }
}
