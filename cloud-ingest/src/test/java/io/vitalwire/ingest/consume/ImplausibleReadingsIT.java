package io.vitalwire.ingest.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micronaut.context.ApplicationContext;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.Reading;
import io.vitalwire.ingest.testing.TestStack;
import io.vitalwire.testing.GatewayMessages;
import io.vitalwire.testing.GatewayReadings;
import io.vitalwire.testing.MosquittoBroker;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readings no store can hold or no patient can produce, from an old or foreign gateway that does not apply the
 * contract's plausibility bounds itself, end to end through a Mosquitto of the test's own and cloud-ingest's consumer:
 * each is quarantined with its reason, its message is acknowledged (not retried), and the readings around it arrive.
 * Before the bounds, a measurement time in year 300000 made PostgreSQL refuse the inbox commit at every redelivery,
 * and every message behind it waited. The inbox workers are off, so the inbox shows exactly what the consumer took.
 */
class ImplausibleReadingsIT {

    private static final String TENANT = "test";
    private static final Duration ARRIVAL = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final TestStack stack = new TestStack();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String gateway = "gw-plausible-" + run;
    private final DeviceIdentity strap = GatewayReadings.device("STRAP-" + run);
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private MosquittoBroker broker;
    private MqttAsyncClient publisher;
    private ApplicationContext ingest;

    @BeforeEach
    void start() throws Exception {
        broker = MosquittoBroker.plain(dir);
        publisher = new MqttAsyncClient(broker.url(), "publisher-" + run, new MemoryPersistence());
        publisher.connect(new MqttConnectionOptions()).waitForCompletion(10_000);
        Map<String, String> overrides = new HashMap<>();
        overrides.put("vitalwire.ingest.mqtt.enabled", "true");
        overrides.put("vitalwire.ingest.mqtt.broker-url", broker.url());
        overrides.put("vitalwire.ingest.mqtt.client-id", "ingest-" + run);
        overrides.put("vitalwire.ingest.mqtt.share-group", "plausible-" + run);
        overrides.put("vitalwire.ingest.mqtt.max-retry-delay", "500ms");
        overrides.put("vitalwire.ingest.inbox.workers-enabled", "false");
        ingest = ApplicationContext.run(new HashMap<>(stack.properties(overrides)));
    }

    @AfterEach
    void close() throws Exception {
        ingest.close();
        publisher.disconnect().waitForCompletion(5_000);
        publisher.close();
        broker.close();
        stack.dropSchema();
    }

    @Test
    void absurdTimesAndValues_areQuarantinedWithTheirReason_notRetried_andTheReadingsAroundThemArrive()
            throws Exception {
        awaitConsuming();
        double acksBefore = acksSent();
        Reading year300000 = GatewayReadings.heartRate(gateway, strap, Instant.parse("+300000-01-01T00:00:00Z"), "72");
        Reading afterInflux = GatewayReadings.heartRate(gateway, strap, Instant.parse("2262-04-12T00:00:00Z"), "72");
        Reading beside = GatewayReadings.heartRate(gateway, strap, now.minusSeconds(30), "71");
        Reading absurdRate = GatewayReadings.heartRate(gateway, strap, now.minusSeconds(20), "900");
        Reading after = GatewayReadings.heartRate(gateway, strap, now.minusSeconds(10), "73");

        publish(List.of(year300000));
        publish(List.of(afterInflux, beside));
        publish(List.of(absurdRate));
        publish(List.of(after));

        await().atMost(ARRIVAL).until(() -> inboxKeys().containsAll(List.of(beside.key(), after.key())));
        await().atMost(ARRIVAL).until(() -> acksSent() - acksBefore >= 4);
        assertThat(quarantined(year300000.key())).singleElement().satisfies(q -> assertThat(q)
                .startsWith("IMPLAUSIBLE_TIME: ").contains("'measuredAt'").doesNotContain("300000"));
        assertThat(quarantined(afterInflux.key())).singleElement().satisfies(q -> assertThat(q)
                .startsWith("IMPLAUSIBLE_TIME: "));
        assertThat(quarantined(absurdRate.key())).singleElement().satisfies(q -> assertThat(q)
                .startsWith("IMPLAUSIBLE_VALUE: ").contains("'values[0].value'", "heart-rate", "/min"));
        assertThat(inboxKeys()).doesNotContain(year300000.key(), afterInflux.key(), absurdRate.key());

        // Acknowledged once, not redelivered: a while later each is still quarantined once, and nothing was retried.
        Thread.sleep(2_000);
        assertThat(quarantined(year300000.key())).hasSize(1);
        assertThat(acksSent() - acksBefore).isEqualTo(4);
        assertThat(count("vitalwire.ingest.quarantined", "reason", "IMPLAUSIBLE_TIME")).isEqualTo(2);
        assertThat(count("vitalwire.ingest.quarantined", "reason", "IMPLAUSIBLE_VALUE")).isEqualTo(1);
    }

    /** Publishes probes one at a time until one reaches the inbox: the consumer has subscribed. */
    private void awaitConsuming() {
        await().atMost(ARRIVAL).pollInterval(Duration.ZERO).until(() -> {
            Reading probe = GatewayReadings.heartRate(gateway, strap, now.minus(Duration.ofHours(1))
                    .plusMillis(System.nanoTime() % 1_000_000), "70");
            publish(List.of(probe));
            Instant giveUp = Instant.now().plusSeconds(2);
            while (Instant.now().isBefore(giveUp)) {
                if (inboxKeys().contains(probe.key())) {
                    return true;
                }
                Thread.sleep(50);
            }
            return false;
        });
        // The probe's PUBACK follows its commit; it must not count among the test's messages.
        await().atMost(ARRIVAL).until(() -> acksSent() >= count("vitalwire.ingest.messages", "outcome", "inboxed"));
    }

    private void publish(List<Reading> readings) throws Exception {
        publisher.publish(GatewayMessages.readingsTopic(TENANT, gateway), GatewayMessages.readings(gateway, readings),
                1, false).waitForCompletion(10_000);
    }

    private double acksSent() {
        return count("vitalwire.ingest.acks", "outcome", "sent");
    }

    private double count(String name, String tag, String value) {
        Counter counter = ingest.getBean(io.micrometer.core.instrument.MeterRegistry.class).find(name)
                .tag(tag, value).counter();
        return counter == null ? 0 : counter.count();
    }

    private List<String> inboxKeys() throws SQLException {
        try (Connection c = ingest.getBean(DataSource.class).getConnection();
             PreparedStatement select = c.prepareStatement("SELECT reading_key FROM inbox");
             ResultSet rs = select.executeQuery()) {
            List<String> keys = new ArrayList<>();
            while (rs.next()) {
                keys.add(rs.getString(1));
            }
            return keys;
        }
    }

    /** Each quarantine entry of the key as "REASON: detail". */
    private List<String> quarantined(String readingKey) throws SQLException {
        try (Connection c = ingest.getBean(DataSource.class).getConnection();
             PreparedStatement select = c.prepareStatement(
                     "SELECT reason, detail FROM quarantine WHERE reading_key = ? ORDER BY id")) {
            select.setString(1, readingKey);
            try (ResultSet rs = select.executeQuery()) {
                List<String> entries = new ArrayList<>();
                while (rs.next()) {
                    entries.add(rs.getString(1) + ": " + rs.getString(2));
                }
                return entries;
            }
        }
    }
}
