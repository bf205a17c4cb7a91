package io.vitalwire.ingest.resolve;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DeviceUseStatement;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;

/**
 * The FHIR server's changes to what decides a reading's owner — {@code Device} and {@code DeviceUseStatement} —
 * read from their type-level history ({@code _history?_since=…}), which also lists deletions. Following it lets
 * the resolver keep a device's lookup for as long as nothing about the device changes (hours), instead of reading
 * every device again once a minute: a spot device measures a few times a day, so under a short TTL nearly every one
 * of its readings waited for a FHIR search — the largest share of an alert's latency at 10,000 hubs.
 *
 * <p>Time is the server's: each read asks for the versions since the server's time of the read before (the
 * history bundle's {@code meta.lastUpdated}) less {@link #OVERLAP}, so a transaction that committed a little after
 * its resources' {@code lastUpdated} is still seen; versions seen in the read before are skipped. A read that
 * finds more than {@link #MAX_CHANGES} versions says "everything changed" instead of paging on (a bulk
 * registration). Not thread-safe: one follower reads it ({@link ChangeFollower}).
 */
@Singleton
class AssignmentFeed {

    /** How far each read reaches back before the previous read's server time. */
    static final Duration OVERLAP = Duration.ofSeconds(5);
    /** Versions per page of history. */
    private static final int PAGE = 200;
    /** More versions than this in one read are reported as {@link Changes#everything()}. */
    static final int MAX_CHANGES = 2_000;

    private final IGenericClient fhir;
    private final Clock clock;
    private Date serverSince;
    private Set<String> seenBefore = Set.of();
    private volatile Instant followingSince;
    private volatile Instant lastRead;

    AssignmentFeed(IGenericClient fhir, Clock clock) {
        this.fhir = fhir;
        this.clock = clock;
    }

    /**
     * What changed since the last read; the first read only marks where the feed starts (nothing changed before
     * it as far as the feed can say: lookups read before it are not {@link #covers covered}).
     *
     * @throws RuntimeException when the FHIR server cannot be read; the next read asks again from the same point
     */
    Changes read() {
        Instant started = clock.instant();
        if (serverSince == null) {
            Date now = serverTime(history(Device.class, null, 1));
            serverSince = now;
            followingSince = started;
            lastRead = started;
            return Changes.NONE;
        }
        Date since = new Date(serverSince.getTime() - OVERLAP.toMillis());
        Changes.Builder changes = new Changes.Builder();
        Set<String> seen = new HashSet<>();
        Date now = null;
        for (Class<? extends IBaseResource> type : List.of(Device.class, DeviceUseStatement.class)) {
            Bundle page = history(type, since, PAGE);
            now = now == null ? serverTime(page) : now;
            while (true) {
                for (Bundle.BundleEntryComponent e : page.getEntry()) {
                    IdType version = versionOf(e);
                    if (version == null || !seen.add(version.getValue()) || seenBefore.contains(version.getValue())) {
                        continue;
                    }
                    changes.add(version, e.getResource(), this::previousDeviceOf);
                }
                if (seen.size() > MAX_CHANGES) {
                    changes.everything();
                    break;
                }
                if (page.getLink(Bundle.LINK_NEXT) == null) {
                    break;
                }
                page = fhir.loadPage().next(page).execute();
            }
        }
        serverSince = now != null ? now : serverSince;
        seenBefore = seen;
        lastRead = started;
        return changes.build();
    }

    /**
     * Whether every change to a lookup read at {@code fetchedAt} has been seen up to a read that began within
     * {@code freshness} of {@code now}: the feed began before the lookup was read, and has been read since
     * recently enough. When the feed cannot be read, lookups fall back to the TTL.
     */
    boolean covers(Instant fetchedAt, Instant now, Duration freshness) {
        Instant from = followingSince;
        Instant last = lastRead;
        return from != null && !fetchedAt.isBefore(from) && last != null && last.isAfter(now.minus(freshness));
    }

    /** Whether the feed has been read once (where it starts is set). */
    boolean started() {
        return followingSince != null;
    }

    private Bundle history(Class<? extends IBaseResource> type, Date since, int count) {
        var query = fhir.history().onType(type).returnBundle(Bundle.class).count(count);
        if (since != null) {
            query = query.since(since);
        }
        return query.execute();
    }

    /** The server's time of a read: the bundle's {@code meta.lastUpdated}, else its newest version's. */
    private Date serverTime(Bundle bundle) {
        if (bundle.getMeta().getLastUpdated() != null) {
            return bundle.getMeta().getLastUpdated();
        }
        return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(r -> r != null && r.getMeta().getLastUpdated() != null)
                .map(r -> r.getMeta().getLastUpdated()).max(Date::compareTo)
                .orElseGet(() -> Date.from(clock.instant().minus(OVERLAP)));
    }

    /** The version an entry of a history bundle is ({@code Device/7/_history/3}), also of a deletion. */
    private static IdType versionOf(Bundle.BundleEntryComponent e) {
        if (e.getResource() != null && e.getResource().getIdElement().hasVersionIdPart()) {
            IdType id = e.getResource().getIdElement();
            return new IdType(id.getResourceType(), id.getIdPart(), id.getVersionIdPart());
        }
        String url = e.getRequest().hasUrl() ? e.getRequest().getUrl() : e.getFullUrl();
        if (url == null) {
            return null;
        }
        IdType id = new IdType(url);
        return id.hasIdPart() && id.hasResourceType() ? new IdType(id.getResourceType(), id.getIdPart(),
                id.getVersionIdPart()) : null;
    }

    /**
     * The Device a statement named in its version before {@code version}: a statement moved to another device, or
     * deleted, changes the device it named before.
     */
    private Optional<String> previousDeviceOf(IdType version) {
        if (!version.hasVersionIdPart() || !version.isVersionIdPartValidLong() || version.getVersionIdPartAsLong() < 2) {
            return Optional.empty();
        }
        DeviceUseStatement before = fhir.read().resource(DeviceUseStatement.class)
                .withIdAndVersion(version.getIdPart(), String.valueOf(version.getVersionIdPartAsLong() - 1))
                .execute();
        return before.getDevice().hasReference() ? Optional.of(deviceRef(before.getDevice().getReference()))
                : Optional.empty();
    }

    static String deviceRef(String reference) {
        return "Device/" + new IdType(reference).getIdPart();
    }

    /**
     * What changed: the Devices whose lookups no longer hold, and the identifiers any changed Device carries now
     * (another Device taking an identifier makes it ambiguous); or everything.
     */
    record Changes(Set<String> devices, Set<String> identifiers, boolean everything) {

        static final Changes NONE = new Changes(Set.of(), Set.of(), false);

        boolean none() {
            return !everything && devices.isEmpty() && identifiers.isEmpty();
        }

        static final class Builder {

            private final Set<String> devices = new HashSet<>();
            private final Set<String> identifiers = new HashSet<>();
            private boolean everything;

            void add(IdType version, Resource resource, Function<IdType, Optional<String>> previousDevice) {
                if ("Device".equals(version.getResourceType())) {
                    devices.add("Device/" + version.getIdPart());
                    if (resource instanceof Device d) {
                        identifiers.addAll(PatientResolver.identifiers(d));
                    }
                } else {
                    if (resource instanceof DeviceUseStatement s && s.getDevice().hasReference()) {
                        devices.add(deviceRef(s.getDevice().getReference()));
                    }
                    previousDevice.apply(version).ifPresent(devices::add);
                }
            }

            void everything() {
                everything = true;
            }

            Changes build() {
                return new Changes(Set.copyOf(devices), Set.copyOf(identifiers), everything);
            }
        }
    }
}
