package io.vitalwire.ingest.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.Reading;
import io.vitalwire.ingest.testing.StackTest;
import io.vitalwire.ingest.window.WindowConfig;
import io.vitalwire.ingest.window.WindowStore;
import io.vitalwire.testing.FreePorts;
import io.vitalwire.testing.GatewayReadings;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;

/**
 * The window closer on its own, driven by the test (the scheduled one is off): retries while FHIR is unreachable,
 * and replicas writing the same due windows at once.
 */
@MicronautTest
class WindowCloserIT extends StackTest {

    @Inject
    WindowCloser closer;
    @Inject
    WindowStore store;
    @Inject
    WindowObservationMapper mapper;
    @Inject
    WindowConfig config;
    @Inject
    FhirSink fhirSink;
    @Inject
    FhirContext fhirContext;
    @Inject
    MeterRegistry metrics;
    @Inject
    DataSource dataSource;

    WindowCloserIT() {
        super("gw-close");
    }

    @Override
    protected Map<String, String> overrides() {
        return Map.of("vitalwire.ingest.window.retry-delay", "10s",
                "vitalwire.ingest.window.grace", "0s");
    }

    @Test
    void whileFhirIsUnreachable_theWindowStaysPendingWithBackoff_andIsWrittenOnceItIsBack() throws Exception {
        String patient = fixtures.patient();
        DeviceIdentity strap = registered("HR-down", patient);
        Instant start = minuteBefore(Duration.ofHours(2));
        Reading sample = GatewayReadings.heartRate(gateway, strap, start.plusSeconds(5), "64");
        send(List.of(sample, GatewayReadings.heartRate(gateway, strap, start.plusSeconds(6), "65")));
        WindowCloser unreachable = new WindowCloser(store, mapper, new FhirSink(deadFhir()), config,
                metrics);
        double failuresBefore = counter("vitalwire.ingest.windows.write.failures", "cause", "unreachable");
        Instant now = Instant.now();

        assertThat(unreachable.closeDue(now)).isZero();
        assertThat(unreachable.closeDue(now)).as("backing off: not tried again at once").isZero();

        long window = windowOf(sample.key());
        assertThat(column(window, "attempts")).isEqualTo("1");
        assertThat(column(window, "last_error")).isNotBlank();
        assertThat(Instant.parse(column(window, "to_char(due_at AT TIME ZONE 'UTC', "
                + "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"))).isAfterOrEqualTo(now.plusSeconds(10).minusMillis(1));
        assertThat(counter("vitalwire.ingest.windows.write.failures", "cause", "unreachable") - failuresBefore)
                .isEqualTo(1);
        JsonNode trail = admin.explain(sample.key());
        assertThat(trail.get("outcome").asText()).isEqualTo("windowed");
        assertThat(trail.at("/window/status").asText()).isEqualTo("write-failing");
        assertThat(trail.at("/window/lastError").asText()).isNotBlank();
        assertThat(fixtures.observationsOf(patient)).isEmpty();

        assertThat(closer.closeDue(now.plusSeconds(11))).isGreaterThanOrEqualTo(1);
        List<Observation> written = fixtures.observationsOf(patient);
        assertThat(written).hasSize(1);
        assertThat(written.get(0).getValueQuantity().getValue()).isEqualByComparingTo("64.5");
        assertThat(column(window, "attempts")).isEqualTo("0");
        assertThat(column(window, "last_error")).isNull();
        assertThat(admin.explain(sample.key()).at("/window/status").asText())
                .isEqualTo("written");
    }

    @Test
    void replicasClosingAtOnce_writeEachWindowOnce() throws Exception {
        String patient = fixtures.patient();
        DeviceIdentity strap = registered("HR-race", patient);
        Instant start = minuteBefore(Duration.ofHours(3));
        List<Reading> stream = new ArrayList<>();
        for (int minute = 0; minute < 12; minute++) {
            for (int s = 0; s < 60; s += 10) {
                stream.add(GatewayReadings.heartRate(gateway, strap, start.plusSeconds(minute * 60L + s), "80"));
            }
        }
        send(stream);
        double writtenBefore = counter("vitalwire.ingest.windows.written", "outcome", "created");
        WindowCloser otherReplica = new WindowCloser(store, mapper, fhirSink, config, metrics);
        Instant now = Instant.now().plusSeconds(1);

        ExecutorService replicas = Executors.newFixedThreadPool(3);
        List<Callable<Integer>> runs = List.of(() -> closer.closeDue(now), () -> otherReplica.closeDue(now),
                () -> new WindowCloser(store, mapper, fhirSink, config, metrics).closeDue(now));
        int total = 0;
        for (Future<Integer> f : replicas.invokeAll(runs)) {
            total += f.get();
        }
        replicas.shutdown();

        assertThat(total).as("windows written by the three replicas together").isEqualTo(12);
        List<Observation> windows = fixtures.observationsOf(patient);
        assertThat(windows).hasSize(12);
        assertThat(windows).extracting(o -> o.getMeta().getVersionId()).containsOnly("1");
        assertThat(windows).extracting(o -> o.getIdentifierFirstRep().getValue()).doesNotHaveDuplicates();
        assertThat(counter("vitalwire.ingest.windows.written", "outcome", "created") - writtenBefore).isEqualTo(12);
        assertThat(closer.closeDue(now)).as("nothing left to write").isZero();
        assertThat(metrics.get("vitalwire.ingest.windows.pending").gauge().value()).isZero();
    }

    /** A FHIR client for a port nobody listens on: connections are refused at once. */
    private IGenericClient deadFhir() throws Exception {
        return fhirContext.newRestfulGenericClient("http://127.0.0.1:" + FreePorts.tcp() + "/fhir");
    }

    private double counter(String name, String tag, String value) {
        Counter c = metrics.find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    private long windowOf(String readingKey) throws Exception {
        return store.trail(readingKey).orElseThrow().windowId();
    }

    private String column(long window, String expression) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT " + expression + " FROM stream_window WHERE id = ?")) {
            select.setLong(1, window);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
