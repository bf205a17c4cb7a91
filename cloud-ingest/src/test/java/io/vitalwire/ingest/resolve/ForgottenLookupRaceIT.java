package io.vitalwire.ingest.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.ingest.testing.StackTest;
import io.vitalwire.testing.GatewayReadings;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A reading resolved while the feed forgets its device's lookup — after the copy in memory is forgotten, before the
 * shared copy in PostgreSQL is deleted — must not take the old lookup back into memory: the feed reports each version
 * once, so nothing would forget it again before the TTL. (Seen once as a flaky {@link AssignmentFeedIT}: its test
 * thread resolved the device while the follower walked tens of thousands of preloaded lookups.) The interleaving is
 * forced: the resolver under test is built here on the real FHIR server and PostgreSQL, its shared lookups running a
 * reading's resolution at the moment the feed deletes the shared copy. The application's own follower stays out of
 * the way (one read an hour).
 */
@MicronautTest
class ForgottenLookupRaceIT extends StackTest {

    private static final Duration CACHE_TTL = Duration.ofMinutes(10);

    @Inject
    DataSource dataSource;
    @Inject
    ResolverConfig config;

    ForgottenLookupRaceIT() {
        super("gw-race");
    }

    @Override
    protected Map<String, String> overrides() {
        return Map.of("vitalwire.ingest.resolve.cache-ttl", CACHE_TTL.toMinutes() + "m",
                "vitalwire.ingest.resolve.change-poll", "1h");
    }

    @Test
    void aLookupTheFeedForgot_isNotTakenBackFromItsSharedCopy_byAReadingResolvedMeanwhile() {
        AtomicReference<Runnable> whileForgetting = new AtomicReference<>(() -> { });
        SharedLookups shared = new SharedLookups(dataSource) {
            @Override
            void forget(String identifier) {
                whileForgetting.getAndSet(() -> { }).run();
                super.forget(identifier);
            }
        };
        PatientResolver resolver = new PatientResolver(fhir, config, shared, new AssignmentFeed(fhir, Clock.systemUTC()),
                new SimpleMeterRegistry(), Clock.systemUTC());
        resolver.followChanges();
        assertThat(resolver.feedStarted()).isTrue();

        DeviceIdentity thermometer = GatewayReadings.device("RACE-THERMO-" + run);
        String patient = fixtures.patient();
        String device = fixtures.device(thermometer.serial(), patient);
        Instant measured = Instant.now();
        assertThat(resolver.resolve(thermometer, measured)).isEqualTo(new Resolution.Assigned(patient, device));

        // A second Device takes the serial; a reading of the thermometer is resolved while the feed forgets it.
        fixtures.device(thermometer.serial(), fixtures.patient());
        AtomicReference<Resolution> meanwhile = new AtomicReference<>();
        whileForgetting.set(() -> meanwhile.set(resolver.resolve(thermometer, measured)));
        await().atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(200))
                .until(() -> resolver.followChanges() > 0);

        assertThat(meanwhile.get()).as("resolved while the feed forgot the lookup").isNotNull();
        assertThat(resolver.resolve(thermometer, measured)).as("the old lookup was not taken back")
                .isInstanceOf(Resolution.ConflictingAssignments.class);
    }
}
