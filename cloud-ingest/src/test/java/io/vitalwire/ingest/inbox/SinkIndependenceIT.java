package io.vitalwire.ingest.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.Reading;
import io.vitalwire.ingest.fhir.FhirSystems;
import io.vitalwire.ingest.testing.StackTest;
import io.vitalwire.testing.FreePorts;
import io.vitalwire.testing.GatewayMessages;
import io.vitalwire.testing.GatewayReadings;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * InfluxDB unreachable (a closed port) while FHIR works: a message is taken in at once, its readings reach FHIR
 * regardless, wait in the inbox for InfluxDB with their error, and the health and metrics say so.
 */
@MicronautTest
class SinkIndependenceIT extends StackTest {

    private static final Duration ARRIVAL = Duration.ofSeconds(30);
    private static final int DEAD_PORT = FreePorts.tcp();

    @Inject
    MeterRegistry metrics;

    SinkIndependenceIT() {
        super("gw-indep");
    }

    @Override
    protected Map<String, String> overrides() {
        return Map.of("vitalwire.ingest.influx.url", "http://127.0.0.1:" + DEAD_PORT,
                "vitalwire.ingest.inbox.stats-interval", "500ms",
                "vitalwire.ingest.inbox.retry-delay", "200ms");
    }

    @Test
    void withInfluxDown_readingsReachFhirAnyway_andWaitForInfluxInTheInbox() throws Exception {
        String patient = fixtures.patient();
        DeviceIdentity scale = registered("SCALE", patient);
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(30);
        List<Reading> readings = List.of(GatewayReadings.weight(gateway, scale, at, "71.0"),
                GatewayReadings.weight(gateway, scale, at.plusSeconds(1), "71.1"));

        long start = System.nanoTime();
        ingest.handle(GatewayMessages.readingsTopic(TENANT, gateway), GatewayMessages.readings(gateway, readings));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("durable, so acknowledgeable, without InfluxDB")
                .isLessThan(Duration.ofSeconds(2));

        for (Reading r : readings) {
            await().atMost(ARRIVAL).untilAsserted(() ->
                    assertThat(fixtures.observations(FhirSystems.READING_KEY, r.key())).hasSize(1));
        }
        await().atMost(ARRIVAL).untilAsserted(() -> {
            JsonNode trail = admin.explain(readings.get(0).key());
            assertThat(trail.get("outcome").asText()).isEqualTo("delivered");
            assertThat(trail.at("/inbox/stages/1/stage").asText()).isEqualTo("fhir");
            assertThat(trail.at("/inbox/stages/1/state").asText()).isEqualTo("done");
            assertThat(trail.at("/inbox/stages/1/outcome").asText()).startsWith("delivered Observation/");
            assertThat(trail.at("/inbox/stages/2/stage").asText()).isEqualTo("influx");
            assertThat(trail.at("/inbox/stages/2/state").asText()).isEqualTo("pending");
            assertThat(trail.at("/inbox/stages/2/attempts").asInt()).isGreaterThanOrEqualTo(2);
            assertThat(trail.at("/inbox/stages/2/lastError").asText()).startsWith("unreachable: ");
            assertThat(trail.at("/inbox/stages/2/nextAttemptAt").isNull()).isFalse();
            assertThat(trail.get("influxPoints").isNull()).as("InfluxDB cannot be asked").isTrue();
            assertThat(trail.get("unavailable")).singleElement()
                    .satisfies(u -> assertThat(u.asText()).startsWith("influxdb: "));
        });
        await().atMost(ARRIVAL).untilAsserted(() -> {
            JsonNode health = admin.get("/health");
            assertThat(health.get("status").asText()).isEqualTo("DEGRADED");
            JsonNode inbox = health.at("/details/inbox/details");
            assertThat(inbox.at("/influx/state").asText()).isEqualTo("failing");
            assertThat(inbox.at("/influx/cause").asText()).isEqualTo("unreachable");
            assertThat(inbox.at("/influx/pending").asLong()).isGreaterThanOrEqualTo(2);
            assertThat(inbox.at("/fhir/state").asText()).isEqualTo("ok");
        });
        assertThat(failures("influx", "unreachable")).isGreaterThanOrEqualTo(2);
        assertThat(failures("fhir", "unreachable")).isZero();
    }

    private double failures(String stage, String cause) {
        Counter c = metrics.find("vitalwire.ingest.sink.failures").tags("stage", stage, "cause", cause).counter();
        return c == null ? 0 : c.count();
    }
}
