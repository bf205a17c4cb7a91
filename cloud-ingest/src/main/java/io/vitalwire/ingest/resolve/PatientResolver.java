package io.vitalwire.ingest.resolve;

import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.api.SearchStyleEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.gclient.ICriterion;
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
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DeviceUseStatement;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
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
 * used only for devices that have no DeviceUseStatement at all. A multi-user device (family BP cuff or scale) has
 * one statement per user slot and period, the slot in the extension {@link FhirSystems#DEVICE_USER_INDEX}: its
 * readings are resolved by (device, user index), see {@link DeviceLookup.Registered}. Statements {@code entered-in-error} or merely
 * {@code intended} do not count, nor do those without a Patient subject or a {@code timingPeriod}.
 *
 * <p>One search per device ({@code Device?identifier=…&_revinclude=DeviceUseStatement:device}), several devices in
 * one search ({@link #lookupAll}); the result is
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

    /** Devices per FHIR search on cache misses. */
    static final int SEARCH_BATCH = 50;

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
        return lookup(device).at(measuredAt, device.userIndex());
    }

    /** What the FHIR server knows about the device, from the cache when it is fresh enough. */
    public DeviceLookup lookup(DeviceIdentity device) {
        Lookups lookups = lookupAll(List.of(device));
        return lookups.of(device).orElseThrow(lookups::failure);
    }

    /**
     * What the FHIR server knows about each of the devices: from the cache when fresh enough, else from one search
     * per {@link #SEARCH_BATCH} devices. Devices one after another would cost a round trip to the FHIR server each,
     * which is what held the {@code resolve} stage to ~200 readings/s when a thousand devices stream at once (every
     * device is a cache miss at start and once per TTL).
     */
    public Lookups lookupAll(Collection<DeviceIdentity> devices) {
        Map<String, DeviceLookup> found = new HashMap<>();
        Set<String> missing = new LinkedHashSet<>();
        for (DeviceIdentity device : devices) {
            String identifier = identifier(device);
            SharedLookups.Shared cached = registered.getIfPresent(identifier);
            if (cached != null) {
                found.put(identifier, cached.lookup());
            } else {
                missing.add(identifier);
            }
        }
        if (!missing.isEmpty()) {
            shared.fresh(missing, clock.instant().minus(ttl)).forEach((identifier, kept) -> {
                registered.put(identifier, kept);
                found.put(identifier, kept.lookup());
                missing.remove(identifier);
            });
        }
        RuntimeException failure = null;
        List<String> unread = new ArrayList<>(missing);
        for (int from = 0; from < unread.size(); from += SEARCH_BATCH) {
            List<String> batch = unread.subList(from, Math.min(from + SEARCH_BATCH, unread.size()));
            Instant fetchedAt = clock.instant();
            Map<String, DeviceLookup> read;
            try {
                read = search(batch);
            } catch (RuntimeException e) {
                failure = e;
                continue;
            }
            List<Map.Entry<String, DeviceLookup.Registered>> keep = new ArrayList<>();
            read.forEach((identifier, lookup) -> {
                found.put(identifier, lookup);
                if (lookup instanceof DeviceLookup.Registered r && r.assignsAnyone()) {
                    registered.put(identifier, new SharedLookups.Shared(r, fetchedAt));
                    keep.add(Map.entry(identifier, r));
                }
            });
            shared.put(keep, fetchedAt);
        }
        return new Lookups(found, failure);
    }

    /**
     * The devices' lookups; a device missing from them could not be looked up ({@link #failure()} says why: the FHIR
     * server failed its search).
     */
    public record Lookups(Map<String, DeviceLookup> found, RuntimeException failure) {

        public Optional<DeviceLookup> of(DeviceIdentity device) {
            return Optional.ofNullable(found.get(identifier(device)));
        }
    }

    /**
     * The owner of {@code device} at {@code at} from a lookup read within the TTL, here or by another replica, never
     * asking the FHIR server: for callers that must not wait for it (operations alerts). Empty when no fresh lookup
     * is at hand.
     */
    public Optional<Resolution> cached(DeviceIdentity device, Instant at) {
        return fresh(identifier(device)).map(c -> c.lookup().at(at, device.userIndex()));
    }

    /** The device's lookup read within the TTL: from memory, else another replica's from PostgreSQL (kept here). */
    private Optional<SharedLookups.Shared> fresh(String identifier) {
        SharedLookups.Shared cached = registered.getIfPresent(identifier);
        if (cached == null) {
            cached = shared.fresh(List.of(identifier), clock.instant().minus(ttl)).get(identifier);
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

    /**
     * One search for several identifiers ({@code identifier=a,b,…}: any of them), with every DeviceUseStatement of
     * the Devices found, sent as a POST so that the list is not limited by a URL's length; every page read.
     */
    private Map<String, DeviceLookup> search(List<String> identifiers) {
        ICriterion<?> any = Device.IDENTIFIER.exactly().codings(identifiers.stream()
                .map(PatientResolver::coding).toArray(Coding[]::new));
        Bundle page = fhir.search().forResource(Device.class)
                .where(any)
                .revInclude(DeviceUseStatement.INCLUDE_DEVICE)
                .count(SEARCH_BATCH * 2)
                .usingStyle(SearchStyleEnum.POST)
                .returnBundle(Bundle.class)
                // A server-side search cache would hide a device registered or reassigned a moment ago.
                .cacheControl(new CacheControlDirective().setNoCache(true))
                .execute();
        List<Device> devices = new ArrayList<>();
        Map<String, List<DeviceUseStatement>> statements = new HashMap<>();
        while (true) {
            for (Bundle.BundleEntryComponent e : page.getEntry()) {
                if (e.getResource() instanceof Device d) {
                    devices.add(d);
                } else if (e.getResource() instanceof DeviceUseStatement s && s.getDevice().hasReference()) {
                    statements.computeIfAbsent(new IdType(s.getDevice().getReference()).getIdPart(),
                            id -> new ArrayList<>()).add(s);
                }
            }
            if (page.getLink(Bundle.LINK_NEXT) == null) {
                break;
            }
            page = fhir.loadPage().next(page).execute();
        }
        Map<String, DeviceLookup> lookups = new HashMap<>();
        for (String identifier : identifiers) {
            List<Device> carrying = devices.stream().filter(d -> carries(d, identifier)).toList();
            lookups.put(identifier, lookup(identifier, carrying, statements));
        }
        return lookups;
    }

    private static DeviceLookup lookup(String identifier, List<Device> devices,
                                       Map<String, List<DeviceUseStatement>> statements) {
        if (devices.isEmpty()) {
            return new DeviceLookup.Unknown(identifier);
        }
        if (devices.size() > 1) {
            return new DeviceLookup.Ambiguous(identifier, devices.size());
        }
        Device d = devices.get(0);
        String id = d.getIdElement().getIdPart();
        String current = d.hasPatient() && d.getPatient().hasReference() ? patientRef(d.getPatient().getReference())
                : null;
        List<Assignment> history = new ArrayList<>();
        for (DeviceUseStatement s : statements.getOrDefault(id, List.of())) {
            Assignment a = assignment(s);
            if (a != null) {
                history.add(a);
            }
        }
        return new DeviceLookup.Registered("Device/" + id, current, history);
    }

    private static boolean carries(Device d, String identifier) {
        int bar = identifier.indexOf('|');
        String system = identifier.substring(0, bar);
        String value = identifier.substring(bar + 1);
        return d.getIdentifier().stream().anyMatch(i -> system.equals(i.getSystem()) && value.equals(i.getValue()));
    }

    private static Coding coding(String identifier) {
        int bar = identifier.indexOf('|');
        return new Coding(identifier.substring(0, bar), identifier.substring(bar + 1), null);
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
        return new Assignment(patient, instant(p.getStartElement()), instant(p.getEndElement()), userIndex(s));
    }

    /**
     * The user slot the statement binds ({@link FhirSystems#DEVICE_USER_INDEX}), {@code null} when it binds the whole
     * device. A slot that is not an integer 0–254 is kept as -1: it still makes the device multi-user (so no reading
     * falls back to another user's patient) but binds no reading.
     */
    private static Integer userIndex(DeviceUseStatement s) {
        Extension slot = s.getExtensionByUrl(FhirSystems.DEVICE_USER_INDEX);
        if (slot == null) {
            return null;
        }
        if (slot.getValue() instanceof IntegerType i && i.getValue() != null && i.getValue() >= 0
                && i.getValue() <= 254) {
            return i.getValue();
        }
        LOG.warn("DeviceUseStatement/{} has a user index that is not 0..254; it binds no reading",
                s.getIdElement().getIdPart());
        return -1;
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
