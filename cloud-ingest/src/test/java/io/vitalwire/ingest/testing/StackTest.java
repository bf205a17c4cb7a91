package io.vitalwire.ingest.testing;

import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.support.TestPropertyProvider;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.Reading;
import io.vitalwire.ingest.consume.ReadingMessages;
import io.vitalwire.ingest.inbox.InboxState;
import io.vitalwire.ingest.inbox.InboxWorkers;
import io.vitalwire.ingest.notify.DeliveryWorkers;
import io.vitalwire.ingest.tasks.CareTaskWorkers;
import io.vitalwire.ingest.inbox.InboxStore;
import io.vitalwire.testing.GatewayMessages;
import io.vitalwire.testing.GatewayReadings;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * What every integration test of cloud-ingest starts from: the application context on the local stack with a
 * PostgreSQL schema of its own ({@link TestStack}), a gateway id of its own, the FHIR fixtures and the admin API.
 * Subclasses add {@code @MicronautTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class StackTest implements TestPropertyProvider {

    /** The tenant in the topics of this test's messages. */
    protected static final String TENANT = "test";
    private static final Duration SETTLED = Duration.ofSeconds(30);

    protected final TestStack stack = new TestStack();
    protected final String run = UUID.randomUUID().toString().substring(0, 8);
    protected final String gateway;

    @Inject
    protected ReadingMessages ingest;
    @Inject
    protected IGenericClient fhir;
    @Inject
    protected EmbeddedServer server;
    @Inject
    protected InboxStore inbox;
    @Inject
    ApplicationContext context;

    protected FhirFixtures fixtures;
    protected AdminApi admin;

    protected StackTest(String gatewayPrefix) {
        this.gateway = gatewayPrefix + "-" + run;
    }

    /** Properties of this test's context beyond {@link TestStack#properties}. */
    protected Map<String, String> overrides() {
        return Map.of();
    }

    @Override
    public Map<String, String> getProperties() {
        return stack.properties(overrides());
    }

    @BeforeAll
    void clients() {
        fixtures = new FhirFixtures(fhir);
        admin = new AdminApi(server.getURL());
    }

    @AfterAll
    void dropSchema() throws Exception {
        // The workers would otherwise poll a schema that is gone until the context closes.
        for (Class<? extends AutoCloseable> workers : List.of(InboxWorkers.class, DeliveryWorkers.class,
                CareTaskWorkers.class)) {
            Optional<? extends AutoCloseable> running = context.findBean(workers);
            if (running.isPresent()) {
                running.get().close();
            }
        }
        stack.dropSchema();
    }

    /** A device of this run, registered in FHIR with {@code patient} as its Device.patient. */
    protected DeviceIdentity registered(String name, String patient) {
        DeviceIdentity device = GatewayReadings.device(name + "-" + run);
        fixtures.device(device.serial(), patient);
        return device;
    }

    /** The start of the minute {@code ago} before now: a window long ended. */
    protected static Instant minuteBefore(Duration ago) {
        return Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(ago);
    }

    /**
     * Hands the readings to ingest as one message from this test's gateway, as the MQTT consumer would, and waits
     * until the inbox's workers have taken every one of them through every stage.
     */
    protected void send(List<Reading> readings) {
        ingest.handle(GatewayMessages.readingsTopic(TENANT, gateway), GatewayMessages.readings(gateway, readings));
        awaitSettled(readings);
    }

    /** Waits until the inbox's workers have taken every one of the readings through every stage. */
    protected void awaitSettled(List<Reading> readings) {
        await().atMost(SETTLED).pollInterval(Duration.ofMillis(50)).until(() -> readings.stream()
                .allMatch(r -> settled(r.key())));
    }

    /** Whether the inbox holds the reading and no stage has it pending any more. */
    protected boolean settled(String readingKey) {
        return inbox.trail(readingKey)
                .map(t -> t.stages().stream().noneMatch(s -> s.state() == InboxState.PENDING))
                .orElse(false);
    }
}
