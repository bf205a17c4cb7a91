package io.vitalwire.ingest.resolve;

import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.ingest.fhir.FhirSystems;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DeviceUseStatement;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Period;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the patient of a reading through the FHIR server: the Device whose identifier is the reading's device
 * serial (or BLE address), and the patient it was assigned to when the reading was measured.
 *
 * <p>Assignments over time are the clinical side's {@code DeviceUseStatement}s (R4): one per assignment, subject =
 * the Patient, device = the Device, {@code timingPeriod} = from when to when (no end while ongoing). R4's
 * {@code Device.patient} names only the current patient, so it cannot say whose a reading of last week is; it is
 * used only for devices that have no DeviceUseStatement at all. Statements {@code entered-in-error} or merely
 * {@code intended} do not count, nor do those without a Patient subject or a {@code timingPeriod}.
 *
 * <p>One search per device ({@code Device?identifier=…&_revinclude=DeviceUseStatement:device}); the result is
 * cached for {@link ResolverConfig#getCacheTtl()} from when it was read, which bounds how long a reassignment takes
 * to be honoured: in memory, and for the other replicas in PostgreSQL ({@link SharedLookups}), so a replica that
 * did not read it itself still resolves the device's readings while the FHIR server is unreachable. Unknown and
 * wholly unassigned devices are not cached, so a device registered or assigned a moment ago is found on its next
 * reading.
 */
@Singleton
public class PatientResolver {

    private static final Logger LOG = LoggerFactory.getLogger(PatientResolver.class);
    private static final Set<DeviceUseStatement.DeviceUseStatementStatus> NOT_IN_USE = Set.of(
            DeviceUseStatement.DeviceUseStatementStatus.ENTEREDINERROR,
            DeviceUseStatement.DeviceUseStatementStatus.INTENDED);

    private final IGenericClient fhir;
    private final SharedLookups shared;
    private final Duration ttl;
    private final Cache<String, SharedLookups.Shared> registered;
    private final Clock clock;

    public PatientResolver(IGenericClient fhir, ResolverConfig config, SharedLookups shared, Clock clock) {
        this.fhir = fhir;
        this.clock = clock;
        this.shared = shared;
        this.ttl = config.getCacheTtl();
        this.registered = Caffeine.newBuilder()
                // Each entry lives until its lookup is as old as the TTL, also one another replica read earlier.
                .expireAfter(Expiry.<String, SharedLookups.Shared>creating((identifier, cached) -> {
                    Duration left = Duration.between(clock.instant(), cached.fetchedAt().plus(ttl));
                    return left.isNegative() ? Duration.ZERO : left;
                }))
                .maximumSize(100_000)
                .build();
    }

    /** The owner of a reading of {@code device} measured at {@code measuredAt}. */
    public Resolution resolve(DeviceIdentity device, Instant measuredAt) {
        return lookup(device).at(measuredAt);
    }

    /** What the FHIR server knows about the device, from the cache when it is fresh enough. */
    public DeviceLookup lookup(DeviceIdentity device) {
        String identifier = identifier(device);
        Optional<SharedLookups.Shared> cached = fresh(identifier);
        if (cached.isPresent()) {
            return cached.get().lookup();
        }
        Instant fetchedAt = clock.instant();
        DeviceLookup found = search(identifier);
        if (found instanceof DeviceLookup.Registered r && r.assignsAnyone()) {
            registered.put(identifier, new SharedLookups.Shared(r, fetchedAt));
            shared.put(identifier, r, fetchedAt);
        }
        return found;
    }

    /**
     * The owner of {@code device} at {@code at} from a lookup read within the TTL, here or by another replica, never
     * asking the FHIR server: for callers that must not wait for it (operations alerts). Empty when no fresh lookup
     * is at hand.
     */
    public Optional<Resolution> cached(DeviceIdentity device, Instant at) {
        return fresh(identifier(device)).map(c -> c.lookup().at(at));
    }

    /** The device's lookup read within the TTL: from memory, else another replica's from PostgreSQL (kept here). */
    private Optional<SharedLookups.Shared> fresh(String identifier) {
        SharedLookups.Shared cached = registered.getIfPresent(identifier);
        if (cached == null) {
            cached = shared.fresh(identifier, clock.instant().minus(ttl)).orElse(null);
            if (cached != null) {
                registered.put(identifier, cached);
            }
        }
        return Optional.ofNullable(cached);
    }

    /** Forgets what is cached about a device identifier value (a serial or a BLE address), here and shared. */
    public void forget(String serialOrAddress) {
        for (String system : List.of(FhirSystems.DEVICE_SERIAL, FhirSystems.BLE_ADDRESS)) {
            registered.invalidate(system + "|" + serialOrAddress);
            shared.forget(system + "|" + serialOrAddress);
        }
    }

    /** {@code system|value} of the Device identifier a reading's device is registered under. */
    public static String identifier(DeviceIdentity device) {
        return device.serial() != null ? FhirSystems.DEVICE_SERIAL + "|" + device.serial()
                : FhirSystems.BLE_ADDRESS + "|" + device.address();
    }

    private DeviceLookup search(String identifier) {
        int bar = identifier.indexOf('|');
        Bundle found = fhir.search().forResource(Device.class)
                .where(Device.IDENTIFIER.exactly()
                        .systemAndIdentifier(identifier.substring(0, bar), identifier.substring(bar + 1)))
                .revInclude(DeviceUseStatement.INCLUDE_DEVICE)
                .returnBundle(Bundle.class)
                // A server-side search cache would hide a device registered or reassigned a moment ago.
                .cacheControl(new CacheControlDirective().setNoCache(true))
                .execute();
        List<Device> devices = new ArrayList<>();
        List<DeviceUseStatement> statements = new ArrayList<>();
        for (Bundle.BundleEntryComponent e : found.getEntry()) {
            if (e.getResource() instanceof Device d) {
                devices.add(d);
            } else if (e.getResource() instanceof DeviceUseStatement s) {
                statements.add(s);
            }
        }
        if (devices.isEmpty()) {
            return new DeviceLookup.Unknown(identifier);
        }
        if (devices.size() > 1) {
            return new DeviceLookup.Ambiguous(identifier, devices.size());
        }
        Device d = devices.get(0);
        String deviceRef = "Device/" + d.getIdElement().getIdPart();
        String current = d.hasPatient() && d.getPatient().hasReference() ? patientRef(d.getPatient().getReference())
                : null;
        List<Assignment> history = new ArrayList<>();
        for (DeviceUseStatement s : statements) {
            Assignment a = assignment(s);
            if (a != null) {
                history.add(a);
            }
        }
        return new DeviceLookup.Registered(deviceRef, current, history);
    }

    private static Assignment assignment(DeviceUseStatement s) {
        if (NOT_IN_USE.contains(s.getStatus()) || !s.hasTimingPeriod() || !s.getSubject().hasReference()) {
            return null;
        }
        String patient = patientRef(s.getSubject().getReference());
        if (patient == null) {
            // A Group subject names no single patient whose readings these could be.
            LOG.debug("ignoring DeviceUseStatement/{}: its subject is not a Patient", s.getIdElement().getIdPart());
            return null;
        }
        Period p = s.getTimingPeriod();
        return new Assignment(patient, instant(p.getStartElement()), instant(p.getEndElement()));
    }

    /** "Patient/7", "Patient/7/_history/2" or an absolute URL → "Patient/7"; anything else → null. */
    private static String patientRef(String reference) {
        IdType id = new IdType(reference);
        return "Patient".equals(id.getResourceType()) && id.hasIdPart() ? "Patient/" + id.getIdPart() : null;
    }

    /**
     * The first instant of a FHIR date or dateTime: assignments are expected to give the handover time; a bare date
     * is read as its first instant (in its time zone, or the server's when it has none).
     */
    private static Instant instant(BaseDateTimeType t) {
        if (t == null || t.getValue() == null) {
            return null;
        }
        return t.getValue().toInstant();
    }
}
