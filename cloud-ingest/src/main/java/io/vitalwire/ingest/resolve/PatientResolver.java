package io.vitalwire.ingest.resolve;

import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.api.SearchStyleEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.gclient.ICriterion;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
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
 * one search ({@link #lookupAll}); the result is kept in memory until the FHIR server's history says the device
 * changed ({@link AssignmentFeed}, followed every {@link ResolverConfig#getChangePoll()}), at most
 * {@link ResolverConfig#getCacheMaxAge()}; when the history cannot be read, {@link ResolverConfig#getCacheTtl()}
 * bounds how long a reassignment takes to be honoured. For the other replicas it is kept in PostgreSQL for the TTL
 * ({@link SharedLookups}), so a replica that did not read it itself still resolves the device's readings while the
 * FHIR server is unreachable. Unknown and
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
    private final AssignmentFeed feed;
    private final Duration ttl;
    private final Cache<String, Cached> registered;
    private final Clock clock;
    /** FHIR searches of devices not at hand: how often a reading waited for the FHIR server to be resolved. */
    private final Counter searches;
    /** Guards that no lookup read before a change is kept as followed after the change was applied. */
    private final Object changing = new Object();
    private Instant lastChangeApplied = Instant.MIN;
    /** Changes applied while a preload reads, re-applied to what it read before it is kept. */
    private List<AssignmentFeed.Changes> duringPreload;
    /**
     * When a change applied here last named each identifier and Device ({@code Device/7}); guarded by
     * {@link #changing}. A lookup read before that time is not taken up again from {@link SharedLookups}:
     * its shared copy is deleted only after the in-memory one is forgotten, so a reading resolved in between would
     * otherwise take the old lookup back into memory, where the feed (which reports a version once) never forgets it.
     */
    private final Cache<String, Instant> changedAt;
    /** When a change too large to name ({@link AssignmentFeed.Changes#everything()}) was last applied. */
    private Instant everythingChangedAt = Instant.MIN;

    public PatientResolver(IGenericClient fhir, ResolverConfig config, SharedLookups shared, AssignmentFeed feed,
                           MeterRegistry metrics, Clock clock) {
        this.fhir = fhir;
        this.searches = metrics.counter("vitalwire.ingest.resolve.searches");
        this.clock = clock;
        this.shared = shared;
        this.feed = feed;
        this.ttl = config.getCacheTtl();
        Duration maxAge = config.getCacheMaxAge().compareTo(ttl) > 0 ? config.getCacheMaxAge() : ttl;
        this.registered = Caffeine.newBuilder()
                // A followed lookup lives until it is as old as the max age, any other until it is as old as the
                // TTL (also one another replica read earlier); a followed one is still used only while the feed
                // is read (see usable).
                .expireAfter(Expiry.<String, Cached>creating((identifier, cached) -> {
                    Duration left = Duration.between(clock.instant(), cached.fetchedAt()
                            .plus(cached.followed() ? maxAge : ttl));
                    return left.isNegative() ? Duration.ZERO : left;
                }))
                .maximumSize(MAX_DEVICES)
                .build();
        // Shared copies older than the TTL are not used, and a search takes far less: twice the TTL is enough.
        this.changedAt = Caffeine.newBuilder().expireAfterWrite(ttl.multipliedBy(2)).maximumSize(MAX_DEVICES).build();
    }

    /** Lookups kept in memory at most (Caffeine evicts the least used first). */
    static final int MAX_DEVICES = 200_000;

    /**
     * A lookup kept in memory.
     *
     * @param followed read by this replica from the FHIR server while the {@link AssignmentFeed} was followed, and
     *                 no change applied since the read began: kept until the feed says the device changed
     */
    private record Cached(SharedLookups.Shared shared, boolean followed) {

        Instant fetchedAt() {
            return shared.fetchedAt();
        }

        DeviceLookup.Registered lookup() {
            return shared.lookup();
        }
    }

    /**
     * Whether a kept lookup may decide an owner now: read within the TTL, or followed and the feed has been read up
     * to within the TTL (so a feed that cannot be read bounds how late a change is honoured by the TTL, as before).
     */
    private boolean usable(Cached cached, Instant now) {
        if (cached.fetchedAt().isAfter(now.minus(ttl))) {
            return true;
        }
        return cached.followed() && feed.covers(cached.fetchedAt(), now, ttl);
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
        Instant now = clock.instant();
        for (DeviceIdentity device : devices) {
            String identifier = identifier(device);
            Cached cached = registered.getIfPresent(identifier);
            if (cached != null && usable(cached, now)) {
                found.put(identifier, cached.lookup());
            } else {
                missing.add(identifier);
            }
        }
        if (!missing.isEmpty()) {
            Map<String, SharedLookups.Shared> shares = shared.fresh(missing, now.minus(ttl));
            synchronized (changing) {
                shares.forEach((identifier, kept) -> {
                    if (changedSince(identifier, kept.lookup(), kept.fetchedAt())) {
                        return; // forgotten by the feed since it was read (its row not deleted yet): searched
                    }
                    registered.put(identifier, new Cached(kept, false));
                    found.put(identifier, kept.lookup());
                    missing.remove(identifier);
                });
            }
        }
        RuntimeException failure = null;
        List<String> unread = new ArrayList<>(missing);
        for (int from = 0; from < unread.size(); from += SEARCH_BATCH) {
            List<String> batch = unread.subList(from, Math.min(from + SEARCH_BATCH, unread.size()));
            Instant fetchedAt = clock.instant();
            Map<String, DeviceLookup> read;
            try {
                searches.increment();
                read = search(batch);
            } catch (RuntimeException e) {
                failure = e;
                continue;
            }
            List<Map.Entry<String, DeviceLookup.Registered>> keep = new ArrayList<>();
            synchronized (changing) {
                boolean followed = feed.covers(fetchedAt, clock.instant(), ttl)
                        && lastChangeApplied.isBefore(fetchedAt);
                read.forEach((identifier, lookup) -> {
                    found.put(identifier, lookup);
                    // A search that ran across a change is kept, but only for the TTL (followed is false): the
                    // change may be its own device's creation, which the search saw (not keeping it at all made
                    // every new device's next reading search again).
                    if (lookup instanceof DeviceLookup.Registered r && r.assignsAnyone()) {
                        registered.put(identifier, new Cached(new SharedLookups.Shared(r, fetchedAt), followed));
                        keep.add(Map.entry(identifier, r));
                    }
                });
            }
            shared.put(keep, fetchedAt);
        }
        return new Lookups(found, failure);
    }

    /**
     * Reads the FHIR server's changes to Devices and DeviceUseStatements since the last call and forgets the lookups
     * they touch, here and shared; {@link ChangeFollower} calls it every {@code resolve.change-poll}.
     *
     * @return how many kept lookups were forgotten
     */
    int followChanges() {
        AssignmentFeed.Changes changes;
        synchronized (feed) {
            changes = feed.read();
        }
        if (changes.none()) {
            return 0;
        }
        List<String> forgotten = new ArrayList<>();
        synchronized (changing) {
            Instant applied = clock.instant();
            lastChangeApplied = applied;
            if (changes.everything()) {
                everythingChangedAt = applied;
            }
            changes.identifiers().forEach(identifier -> changedAt.put(identifier, applied));
            changes.devices().forEach(device -> changedAt.put(device, applied));
            if (duringPreload != null) {
                duringPreload.add(changes);
            }
            registered.asMap().forEach((identifier, cached) -> {
                if (touches(changes, identifier, cached.lookup())) {
                    registered.invalidate(identifier);
                    forgotten.add(identifier);
                }
            });
        }
        forgotten.forEach(shared::forget);
        changes.identifiers().stream().filter(i -> !forgotten.contains(i)).forEach(shared::forget);
        if (!forgotten.isEmpty()) {
            LOG.info("assignment changes on the FHIR server: {} device lookup(s) forgotten{}", forgotten.size(),
                    changes.everything() ? " (too many changes to name: every lookup)" : "");
        }
        return forgotten.size();
    }

    /** Whether a change applied at or after {@code fetchedAt} named the identifier or the lookup's Device. */
    private boolean changedSince(String identifier, DeviceLookup.Registered lookup, Instant fetchedAt) {
        assert Thread.holdsLock(changing);
        return !everythingChangedAt.isBefore(fetchedAt) || changedAtOrAfter(identifier, fetchedAt)
                || changedAtOrAfter(lookup.device(), fetchedAt);
    }

    private boolean changedAtOrAfter(String key, Instant fetchedAt) {
        Instant at = changedAt.getIfPresent(key);
        return at != null && !at.isBefore(fetchedAt);
    }

    private static boolean touches(AssignmentFeed.Changes changes, String identifier, DeviceLookup.Registered lookup) {
        return changes.everything() || changes.identifiers().contains(identifier)
                || changes.devices().contains(lookup.device());
    }

    /**
     * Reads every Device on the FHIR server with its DeviceUseStatements, page by page, and keeps the lookups of
     * those that assign anyone as followed ({@code resolve.preload}): after a start, no spot device's first reading
     * waits for a search. Needs the feed started first, so that a change made while it reads is not missed. An
     * identifier two Devices carry is left out (its readings' search says it is ambiguous); a preload that fails
     * keeps nothing (readings are searched as before).
     *
     * @return how many lookups were kept
     */
    int preload() {
        if (!feed.started()) {
            throw new IllegalStateException("the assignment feed is not followed yet");
        }
        Instant fetchedAt = clock.instant();
        synchronized (changing) {
            duringPreload = new ArrayList<>();
        }
        Map<String, DeviceLookup.Registered> read = new HashMap<>();
        Map<String, Integer> carriers = new HashMap<>();
        try {
            Bundle page = fhir.search().forResource(Device.class)
                    .revInclude(DeviceUseStatement.INCLUDE_DEVICE)
                    .count(PRELOAD_PAGE)
                    .returnBundle(Bundle.class)
                    .cacheControl(new CacheControlDirective().setNoCache(true))
                    .execute();
            while (true) {
                List<Device> devices = new ArrayList<>();
                Map<String, List<DeviceUseStatement>> statements = new HashMap<>();
                collect(page, devices, statements);
                for (Device d : devices) {
                    for (String identifier : identifiers(d)) {
                        // Past the limit, devices are still read to the last page, only to find a second Device
                        // carrying an identifier already read: kept alone, it would give a patient a guess.
                        boolean full = carriers.size() >= MAX_DEVICES;
                        if (full && !carriers.containsKey(identifier)) {
                            continue;
                        }
                        carriers.merge(identifier, 1, Integer::sum);
                        if (!full && lookup(identifier, List.of(d), statements) instanceof DeviceLookup.Registered r
                                && r.assignsAnyone()) {
                            read.put(identifier, r);
                        }
                    }
                }
                if (page.getLink(Bundle.LINK_NEXT) == null) {
                    break;
                }
                page = fhir.loadPage().next(page).execute();
            }
            // Kept only once every page is read: a preload cut short cannot tell which identifiers are ambiguous.
            synchronized (changing) {
                read.keySet().removeIf(identifier -> carriers.get(identifier) > 1);
                for (AssignmentFeed.Changes changes : duringPreload) {
                    read.entrySet().removeIf(e -> touches(changes, e.getKey(), e.getValue()));
                }
                read.forEach((identifier, lookup) -> registered.put(identifier,
                        new Cached(new SharedLookups.Shared(lookup, fetchedAt), true)));
            }
        } finally {
            synchronized (changing) {
                duringPreload = null;
            }
        }
        return read.size();
    }

    /** Whether the assignment feed has been read once (a preload waits for it). */
    boolean feedStarted() {
        return feed.started();
    }

    /** Devices per page of a preload. */
    private static final int PRELOAD_PAGE = 500;

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

    /** The device's lookup usable now: from memory, else another replica's from PostgreSQL (kept here). */
    private Optional<SharedLookups.Shared> fresh(String identifier) {
        Instant now = clock.instant();
        Cached cached = registered.getIfPresent(identifier);
        if (cached != null && usable(cached, now)) {
            return Optional.of(cached.shared());
        }
        SharedLookups.Shared kept = shared.fresh(List.of(identifier), now.minus(ttl)).get(identifier);
        if (kept == null) {
            return Optional.empty();
        }
        synchronized (changing) {
            if (changedSince(identifier, kept.lookup(), kept.fetchedAt())) {
                return Optional.empty();
            }
            registered.put(identifier, new Cached(kept, false));
        }
        return Optional.of(kept);
    }

    /** Forgets what is cached about a device identifier value (a serial or a BLE address), here and shared. */
    public void forget(String serialOrAddress) {
        for (String system : List.of(FhirSystems.DEVICE_SERIAL, FhirSystems.BLE_ADDRESS)) {
            synchronized (changing) {
                changedAt.put(system + "|" + serialOrAddress, clock.instant());
                registered.invalidate(system + "|" + serialOrAddress);
            }
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
            collect(page, devices, statements);
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

    /** A page's Devices, and their DeviceUseStatements by Device id. */
    private static void collect(Bundle page, List<Device> devices, Map<String, List<DeviceUseStatement>> statements) {
        for (Bundle.BundleEntryComponent e : page.getEntry()) {
            if (e.getResource() instanceof Device d) {
                devices.add(d);
            } else if (e.getResource() instanceof DeviceUseStatement s && s.getDevice().hasReference()) {
                statements.computeIfAbsent(new IdType(s.getDevice().getReference()).getIdPart(),
                        id -> new ArrayList<>()).add(s);
            }
        }
    }

    /** The identifiers a reading's device can be registered under that the Device carries. */
    static List<String> identifiers(Device d) {
        return d.getIdentifier().stream()
                .filter(i -> i.getValue() != null && (FhirSystems.DEVICE_SERIAL.equals(i.getSystem())
                        || FhirSystems.BLE_ADDRESS.equals(i.getSystem())))
                .map(i -> i.getSystem() + "|" + i.getValue()).distinct().toList();
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
