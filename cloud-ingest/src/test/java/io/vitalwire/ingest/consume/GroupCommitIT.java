package io.vitalwire.ingest.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
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
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consumer's group commit, end to end: cloud-ingest's application context with its MQTT consumer on, a Mosquitto
 * of the test's own (so no other cloud-ingest on the machine takes a message; its in-flight window is Mosquitto's
 * default, 20) and a PostgreSQL schema of its own. The inbox workers are off, so the inbox shows exactly what the
 * consumer committed.
 */
class GroupCommitIT {

    private static final String TENANT = "test";
    private static final Duration ARRIVAL = Duration.ofSeconds(60);
    private static final int READINGS_PER_MESSAGE = 3;
    /** Publishes the test keeps unconfirmed at once: fast, within what Mosquitto accepts from one client. */
    private static final int PUBLISH_WINDOW = 10;
    /** Refused commits to see before judging that nothing was acknowledged meanwhile. */
    private static final int REFUSALS = 3;
    private static final Duration PROBE_WAIT = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    private final TestStack stack = new TestStack();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String gateway = "gw-group-" + run;
    private final DeviceIdentity device = GatewayReadings.device("GROUP-" + run);
    private final List<ApplicationContext> contexts = new ArrayList<>();
    private Instant nextReadingAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
    private MosquittoBroker broker;
    private MqttAsyncClient publisher;

    @BeforeEach
    void broker() throws Exception {
        broker = MosquittoBroker.plain(dir);
        publisher = new MqttAsyncClient(broker.url(), "publisher-" + run, new MemoryPersistence());
        publisher.connect(new MqttConnectionOptions()).waitForCompletion(10_000);
    }

    @AfterEach
    void close() throws Exception {
        contexts.forEach(ApplicationContext::close);
        publisher.disconnect().waitForCompletion(5_000);
        publisher.close();
        broker.close();
        stack.dropSchema();
    }

    @Test
    void aBurstOfMessages_isCommittedInGroups_eachReadingOnce_eachMessageAcknowledged() throws Exception {
        ApplicationContext ingest = startIngest("ingest-" + run);
        awaitConsuming(ingest);
        Metrics before = Metrics.of(ingest);
        List<List<Reading>> messages = messages(200);

        publish(messages);

        Set<String> keys = keysOf(messages);
        await().atMost(ARRIVAL).until(() -> Metrics.of(ingest).acksSent() - before.acksSent() >= messages.size());
        Metrics after = Metrics.of(ingest);
        assertThat(inboxKeys(ingest)).as("every reading in the inbox").containsAll(keys);
        assertThat(after.acksSent() - before.acksSent()).as("one PUBACK per message").isEqualTo(messages.size());
        assertThat(after.inboxed() - before.inboxed()).isEqualTo(messages.size());
        assertThat(after.added() - before.added()).as("each reading added once").isEqualTo(keys.size());
        assertThat(after.duplicates() - before.duplicates()).as("none delivered twice").isZero();
        assertThat(after.committedMessages() - before.committedMessages()).isEqualTo(messages.size());
        long commits = after.commits() - before.commits();
        System.out.printf("%d messages in %d commits (largest %d)%n", messages.size(), commits,
                (long) after.largestCommit());
        assertThat(commits).as("fewer commits than messages: at least one held several").isLessThan(messages.size());
        assertThat(after.largestCommit()).isGreaterThan(1);
    }

    @Test
    void whilePostgresRefuses_nothingIsAcknowledged_andEverythingArrivesOnce_afterRecoveryOrRestart()
            throws Exception {
        String clientId = "ingest-" + run;
        ApplicationContext first = startIngest(clientId);
        awaitConsuming(first);
        int probed = inboxKeys(first).size();
        Metrics before = Metrics.of(first);

        // Refused while the consumer runs: retried, unacknowledged; committed and acknowledged once it is back.
        refuseInboxInserts(first);
        List<List<Reading>> retried = messages(30);
        publish(retried);
        awaitMoreRefusals(first, REFUSALS);
        assertThat(Metrics.of(first).acksSent()).as("nothing acknowledged while refused").isEqualTo(before.acksSent());
        assertThat(inboxKeys(first)).doesNotContainAnyElementsOf(keysOf(retried));
        acceptInboxInserts(first);
        await().atMost(ARRIVAL).until(() -> inboxKeys(first).containsAll(keysOf(retried)));
        await().atMost(ARRIVAL).until(() -> Metrics.of(first).acksSent() - before.acksSent() == retried.size());

        // Refused until the replica stops: the broker keeps the messages and gives them to the next start.
        refuseInboxInserts(first);
        List<List<Reading>> redelivered = messages(30);
        publish(redelivered);
        awaitMoreRefusals(first, REFUSALS);
        Metrics stopping = Metrics.of(first);
        assertThat(stopping.acksSent() - before.acksSent()).as("none of the refused acknowledged")
                .isEqualTo(retried.size());
        first.close();
        contexts.remove(first);

        ApplicationContext second = startIngest(clientId);
        awaitMoreRefusals(second, 1);
        acceptInboxInserts(second);
        await().atMost(ARRIVAL).until(() -> Metrics.of(second).acksSent() >= redelivered.size());
        Metrics restarted = Metrics.of(second);
        assertThat(inboxKeys(second)).as("every reading once").hasSize(probed + keysOf(retried).size()
                + keysOf(redelivered).size()).containsAll(keysOf(redelivered));
        assertThat(restarted.acksSent()).as("exactly the unacknowledged messages come again")
                .isEqualTo(redelivered.size());
        assertThat(restarted.added()).isEqualTo(keysOf(redelivered).size());
        assertThat(restarted.duplicates()).isZero();
    }

    @Test
    void aReadingPostgresRefusesAsData_isQuarantinedAlone_andNeitherItsMessageNorTheOthersWait() throws Exception {
        ApplicationContext ingest = startIngest("ingest-" + run);
        awaitConsuming(ingest);
        Metrics before = Metrics.of(ingest);
        List<List<Reading>> messages = messages(40);
        String poisoned = messages.get(20).get(1).key();
        refuseAsData(ingest, poisoned);

        publish(messages);

        Set<String> good = keysOf(messages);
        good.remove(poisoned);
        await().atMost(ARRIVAL).until(() -> Metrics.of(ingest).acksSent() - before.acksSent() >= messages.size());
        assertThat(inboxKeys(ingest)).as("every other reading, its message's neighbours too").containsAll(good)
                .doesNotContain(poisoned);
        assertThat(quarantined(ingest, poisoned)).as("the refused reading, set aside with its SQLSTATE")
                .containsExactly("INBOX_REFUSED");
        assertThat(Metrics.of(ingest).acksSent() - before.acksSent()).as("each message acknowledged once")
                .isEqualTo(messages.size());
    }

    private ApplicationContext startIngest(String clientId) {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("vitalwire.ingest.mqtt.enabled", "true");
        overrides.put("vitalwire.ingest.mqtt.broker-url", broker.url());
        overrides.put("vitalwire.ingest.mqtt.client-id", clientId);
        overrides.put("vitalwire.ingest.mqtt.share-group", "group-commit-" + run);
        overrides.put("vitalwire.ingest.mqtt.max-retry-delay", "500ms");
        overrides.put("vitalwire.ingest.inbox.workers-enabled", "false");
        ApplicationContext context = ApplicationContext.run(new HashMap<>(stack.properties(overrides)));
        contexts.add(context);
        return context;
    }

    /**
     * Publishes a probe at a time until one reaches the inbox: the consumer has subscribed. One at a time, so that
     * no probe arrives later and counts among the test's messages (one published before the subscription is lost:
     * the consumer has no session yet).
     */
    private void awaitConsuming(ApplicationContext context) {
        await().atMost(ARRIVAL).pollInterval(Duration.ZERO).until(() -> {
            List<List<Reading>> probe = messages(1);
            publish(probe);
            Instant giveUp = Instant.now().plus(PROBE_WAIT);
            while (Instant.now().isBefore(giveUp)) {
                if (inboxKeys(context).containsAll(keysOf(probe))) {
                    return true;
                }
                Thread.sleep(50);
            }
            return false;
        });
        // A PUBACK follows its commit: a probe's must not be counted as one of the test's own messages. (Probes sent
        // before the subscription was up never arrive, so wait for the committed ones, not for all sent.)
        await().atMost(ARRIVAL).until(() -> {
            Metrics m = Metrics.of(context);
            return m.acksSent() >= m.committedMessages();
        });
    }

    /** {@code count} messages of {@link #READINGS_PER_MESSAGE} new readings each. */
    private List<List<Reading>> messages(int count) {
        List<List<Reading>> messages = new ArrayList<>();
        for (int m = 0; m < count; m++) {
            List<Reading> readings = new ArrayList<>();
            for (int r = 0; r < READINGS_PER_MESSAGE; r++) {
                readings.add(GatewayReadings.heartRate(gateway, device, nextReadingAt, "72"));
                nextReadingAt = nextReadingAt.plusSeconds(1);
            }
            messages.add(readings);
        }
        return messages;
    }

    /** QoS 1, as gateways publish, with a few publishes in flight at once so that messages come in quickly. */
    private void publish(List<List<Reading>> messages) throws MqttException, InterruptedException {
        String topic = GatewayMessages.readingsTopic(TENANT, gateway);
        Deque<IMqttToken> inFlight = new ArrayDeque<>();
        for (List<Reading> readings : messages) {
            if (inFlight.size() >= PUBLISH_WINDOW) {
                inFlight.removeFirst().waitForCompletion(10_000);
            }
            inFlight.addLast(publishOne(topic, GatewayMessages.readings(gateway, readings)));
        }
        for (IMqttToken token : inFlight) {
            token.waitForCompletion(10_000);
        }
    }

    /** Paho frees a completed publish's slot just after its token completes: a full window only needs a moment. */
    private IMqttToken publishOne(String topic, byte[] payload) throws MqttException, InterruptedException {
        while (true) {
            try {
                return publisher.publish(topic, payload, 1, false);
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttClientException.REASON_CODE_MAX_INFLIGHT) {
                    throw e;
                }
                Thread.sleep(5);
            }
        }
    }

    private static Set<String> keysOf(List<List<Reading>> messages) {
        Set<String> keys = new HashSet<>();
        messages.forEach(readings -> readings.forEach(r -> keys.add(r.key())));
        return keys;
    }

    /** Every reading key in the inbox (the schema is this test's own). */
    private static List<String> inboxKeys(ApplicationContext context) throws SQLException {
        try (Connection c = context.getBean(DataSource.class).getConnection();
             PreparedStatement select = c.prepareStatement("SELECT reading_key FROM inbox");
             ResultSet rs = select.executeQuery()) {
            List<String> keys = new ArrayList<>();
            while (rs.next()) {
                keys.add(rs.getString(1));
            }
            return keys;
        }
    }

    /**
     * PostgreSQL refuses every insert into the inbox, as a full disk or a lost primary would, and counts the refusals
     * in a sequence (sequences are not rolled back with the refused transaction).
     */
    private void refuseInboxInserts(ApplicationContext context) throws SQLException {
        try (Connection c = context.getBean(DataSource.class).getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE SEQUENCE IF NOT EXISTS inbox_refusals");
            s.execute("CREATE OR REPLACE FUNCTION refuse_inbox() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "PERFORM nextval('inbox_refusals'); RAISE EXCEPTION 'inbox refused by the test'; END $$");
            s.execute("CREATE TRIGGER refuse_inbox BEFORE INSERT ON inbox FOR EACH STATEMENT "
                    + "EXECUTE FUNCTION refuse_inbox()");
        }
    }

    /** PostgreSQL refuses one reading's row as data (SQLSTATE 22008, datetime field overflow), every time. */
    private static void refuseAsData(ApplicationContext context, String readingKey) throws SQLException {
        try (Connection c = context.getBean(DataSource.class).getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE OR REPLACE FUNCTION refuse_reading() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "IF NEW.reading_key = '" + readingKey.replace("'", "''") + "' THEN "
                    + "RAISE EXCEPTION 'out of range' USING ERRCODE = '22008'; END IF; RETURN NEW; END $$");
            s.execute("CREATE TRIGGER refuse_reading BEFORE INSERT ON inbox FOR EACH ROW "
                    + "EXECUTE FUNCTION refuse_reading()");
        }
    }

    private static List<String> quarantined(ApplicationContext context, String readingKey) throws SQLException {
        try (Connection c = context.getBean(DataSource.class).getConnection();
             PreparedStatement select = c.prepareStatement("SELECT reason FROM quarantine WHERE reading_key = ?")) {
            select.setString(1, readingKey);
            try (ResultSet rs = select.executeQuery()) {
                List<String> reasons = new ArrayList<>();
                while (rs.next()) {
                    reasons.add(rs.getString(1));
                }
                return reasons;
            }
        }
    }

    private static void acceptInboxInserts(ApplicationContext context) throws SQLException {
        try (Connection c = context.getBean(DataSource.class).getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TRIGGER refuse_inbox ON inbox");
        }
    }

    /** Waits until PostgreSQL has refused {@code count} more commits: the writer is retrying. */
    private static void awaitMoreRefusals(ApplicationContext context, int count) throws SQLException {
        long seen = refusals(context);
        await().atMost(ARRIVAL).until(() -> refusals(context) - seen >= count);
    }

    private static long refusals(ApplicationContext context) throws SQLException {
        try (Connection c = context.getBean(DataSource.class).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT CASE WHEN is_called THEN last_value ELSE 0 END "
                     + "FROM inbox_refusals")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The consumer's meters in one context (each context has a registry of its own). */
    private record Metrics(double acksSent, double inboxed, double added, double duplicates, long commits,
                           double committedMessages, double largestCommit) {

        static Metrics of(ApplicationContext context) {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            DistributionSummary commits = registry.find("vitalwire.ingest.commit.messages").summary();
            return new Metrics(
                    count(registry, "vitalwire.ingest.acks", "outcome", "sent"),
                    count(registry, "vitalwire.ingest.messages", "outcome", "inboxed"),
                    count(registry, "vitalwire.ingest.inbox.accepted", "outcome", "new"),
                    count(registry, "vitalwire.ingest.inbox.accepted", "outcome", "duplicate"),
                    commits == null ? 0 : commits.count(),
                    commits == null ? 0 : commits.totalAmount(),
                    commits == null ? 0 : commits.max());
        }

        private static double count(MeterRegistry registry, String name, String tag, String value) {
            Counter counter = registry.find(name).tag(tag, value).counter();
            return counter == null ? 0 : counter.count();
        }
    }
}
