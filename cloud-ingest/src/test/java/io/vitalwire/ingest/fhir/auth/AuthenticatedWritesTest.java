package io.vitalwire.ingest.fhir.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.Reading;
import io.vitalwire.ingest.fhir.FhirSink;
import io.vitalwire.ingest.fhir.FhirSystems;
import io.vitalwire.ingest.fhir.ObservationMapper;
import io.vitalwire.ingest.pipeline.Owner;
import io.vitalwire.ingest.testing.FhirFixtures;
import io.vitalwire.ingest.testing.StackTest;
import io.vitalwire.ingest.testing.TestStack;
import io.vitalwire.testing.GatewayReadings;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Observations written by cloud-ingest's {@link FhirSink} to the dev FHIR server through an {@link AuthenticatingProxy}
 * that lets only valid tokens of a {@link TestAuthorizationServer} pass: all real HTTP on loopback. Each subclass
 * configures one authentication mode; the behaviour checked is the same for every mode: a token is fetched once and
 * reused, replaced before it expires with one request however many threads need it, replaced once when it is
 * refused; refused credentials fail the write with a clear message and write nothing, and no secret, assertion or
 * token reaches a log. Results are read from the FHIR server directly, past the proxy.
 */
abstract class AuthenticatedWritesTest extends StackTest {

    protected final TestAuthorizationServer auth = TestAuthorizationServer.start();
    private final AuthenticatingProxy proxy = AuthenticatingProxy.start(TestStack.SETTINGS.fhirUrl(), auth);
    private final LogCapture logs = new LogCapture();
    private final AtomicInteger readings = new AtomicInteger();
    private final Instant epoch = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);

    @Inject
    FhirSink sink;
    @Inject
    ObservationMapper mapper;
    @Inject
    FhirContext fhirContext;

    private FhirFixtures direct;
    private DeviceIdentity scale;
    private Owner owner;

    AuthenticatedWritesTest() {
        super("gw-auth");
    }

    /** The mode's properties beyond the token URL and client id. */
    protected abstract Map<String, String> authProperties();

    /** From now on the authorization server refuses what the client presents (a rotated secret, another key). */
    protected abstract void breakCredentials();

    protected abstract void restoreCredentials();

    /** What the authorization server says when it refuses the broken credentials. */
    protected abstract String refusal();

    @Override
    protected Map<String, String> overrides() {
        Map<String, String> p = new HashMap<>(authProperties());
        p.put("vitalwire.ingest.fhir.url", proxy.fhirUrl());
        p.put("vitalwire.ingest.fhir.auth.token-url", auth.tokenUrl().toString());
        p.put("vitalwire.ingest.fhir.auth.client-id", TestAuthorizationServer.CLIENT_ID);
        return p;
    }

    @BeforeAll
    void owner() {
        direct = new FhirFixtures(fhirContext.newRestfulGenericClient(TestStack.SETTINGS.fhirUrl()));
        String patient = direct.patient();
        scale = GatewayReadings.device("SCALE-auth-" + run);
        owner = new Owner(patient, direct.device(scale.serial(), patient));
    }

    @AfterEach
    void restore() {
        restoreCredentials();
        auth.tokenLifetime(Duration.ofMinutes(5));
    }

    @AfterAll
    void nothingSecretLogged() {
        logs.close();
        List<String> secrets = auth.secretsSeen();
        assertThat(secrets).isNotEmpty();
        for (String line : logs.lines()) {
            for (String secret : secrets) {
                assertThat(line).doesNotContain(secret);
            }
        }
        proxy.close();
        auth.close();
    }

    @Test
    void writes_carryOneToken_reusedAcrossRequests() throws Exception {
        String first = write(reading());
        int issued = auth.issued();
        int refused = proxy.unauthorized();
        List<String> keys = List.of(write(reading()), write(reading()), write(reading()));

        assertThat(auth.issued()).isEqualTo(issued);
        assertThat(proxy.unauthorized()).isEqualTo(refused);
        assertThat(auth.lastScope()).isEqualTo("system/Observation.read system/Observation.write "
                + "system/Device.read system/DeviceUseStatement.read");
        for (String key : List.of(first, keys.get(0), keys.get(1), keys.get(2))) {
            assertThat(direct.observations(FhirSystems.READING_KEY, key)).hasSize(1);
        }
    }

    @Test
    void aTokenAboutToExpire_isReplacedBeforeUse_byOneTokenRequestForAllThreads() throws Exception {
        auth.tokenLifetime(Duration.ofSeconds(6));
        auth.revokeAll();
        write(reading());
        int issued = auth.issued();
        int refused = proxy.unauthorized();
        // Replaced at half of a lifetime shorter than twice refresh-before: after 3 s.
        Thread.sleep(3_300);

        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Callable<String>> writes = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Reading r = reading();
                writes.add(() -> write(r));
            }
            for (Future<String> done : threads.invokeAll(writes)) {
                assertThat(direct.observations(FhirSystems.READING_KEY, done.get())).hasSize(1);
            }
        } finally {
            threads.shutdown();
        }
        assertThat(auth.issued()).isEqualTo(issued + 1);
        assertThat(proxy.unauthorized()).isEqualTo(refused);
    }

    @Test
    void aRevokedToken_costsOneRefusalAndOneNewToken_andTheWriteSucceeds() throws Exception {
        write(reading());
        int issued = auth.issued();
        int refused = proxy.unauthorized();
        auth.revokeAll();

        String key = write(reading());

        assertThat(proxy.unauthorized()).isEqualTo(refused + 1);
        assertThat(auth.issued()).isEqualTo(issued + 1);
        assertThat(direct.observations(FhirSystems.READING_KEY, key)).hasSize(1);
    }

    @Test
    void refusedCredentials_failTheWriteClearly_withoutSecrets_andTheReadingIsWrittenOnceTheyAreFixed()
            throws Exception {
        write(reading());
        breakCredentials();
        auth.revokeAll();
        Reading reading = reading();
        List<Observation> observation = List.of(mapper.map(reading, owner));

        assertThatThrownBy(() -> sink.write(observation))
                .isInstanceOf(FhirAuthException.class)
                .hasMessageContaining("token request to " + auth.tokenUrl() + " refused: HTTP 401 invalid_client")
                .hasMessageContaining(refusal())
                .satisfies(e -> auth.secretsSeen().forEach(s -> assertThat(e.getMessage()).doesNotContain(s)));
        assertThat(direct.observations(FhirSystems.READING_KEY, reading.key())).isEmpty();

        // Not acknowledged, so the broker delivers it again: once the credentials are fixed, it is written.
        restoreCredentials();
        sink.write(observation);
        assertThat(direct.observations(FhirSystems.READING_KEY, reading.key())).hasSize(1);
    }

    private Reading reading() {
        return GatewayReadings.weight(gateway, scale, epoch.plusSeconds(readings.incrementAndGet()), "72.5");
    }

    /** Writes the reading's Observation through the sink; returns its key. */
    private String write(Reading reading) throws Exception {
        sink.write(List.of(mapper.map(reading, owner)));
        return reading.key();
    }
}
