package io.vitalwire.ingest.tasks;

import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.PractitionerRole;

/**
 * Patients' care teams from the FHIR server, one search each —
 * {@code CareTeam?subject=Patient/x&status=active&_include=CareTeam:participant&_include=CareTeam:subject
 * &_include:iterate=PractitionerRole:practitioner} — kept for {@link TasksConfig#getCareTeamTtl()}: a burst of alerts
 * for one patient costs one search, and a change of the team reaches new Tasks within the TTL. A server that
 * refuses the search as such (400, 404, 405, 501: no CareTeam support) is taken as holding no care team.
 */
@Singleton
public class CareTeams {

    private final IGenericClient fhir;
    private final Clock clock;
    private final Duration ttl;
    private final Cache<String, Read> read = Caffeine.newBuilder().maximumSize(10_000).build();

    private record Read(CareTeamView team, Instant at) {
    }

    public CareTeams(IGenericClient fhir, TasksConfig config, Clock clock) {
        this.fhir = fhir;
        this.clock = clock;
        this.ttl = config.getCareTeamTtl();
    }

    /**
     * The care team of the patient (a logical id), from the cache while fresh.
     *
     * @throws RuntimeException what the FHIR client threw: the Task waits and is tried again
     */
    CareTeamView of(String patient) {
        Instant now = clock.instant();
        Read cached = read.getIfPresent(patient);
        if (cached != null && cached.at().plus(ttl).isAfter(now)) {
            return cached.team();
        }
        CareTeamView team;
        try {
            team = CareTeamView.of(search(patient), now);
        } catch (BaseServerResponseException e) {
            if (!unsupported(e.getStatusCode())) {
                throw e;
            }
            // A server that cannot answer the search holds no care team for us: the Task goes to the role alone.
            team = CareTeamView.NONE;
        }
        read.put(patient, new Read(team, now));
        return team;
    }

    private Bundle search(String patient) {
        return fhir.search().forResource(CareTeam.class)
                .where(CareTeam.SUBJECT.hasId("Patient/" + patient))
                .and(CareTeam.STATUS.exactly().code("active"))
                .include(CareTeam.INCLUDE_PARTICIPANT)
                .include(CareTeam.INCLUDE_SUBJECT)
                .include(PractitionerRole.INCLUDE_PRACTITIONER.asRecursive())
                .count(100)
                .returnBundle(Bundle.class)
                .cacheControl(new CacheControlDirective().setNoCache(true))
                .execute();
    }

    /** 400 (a search parameter it does not know), 404 (no CareTeam endpoint), 405, 501. */
    private static boolean unsupported(int status) {
        return status == 400 || status == 404 || status == 405 || status == 501;
    }
}
