package io.vitalwire.ingest.quarantine;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.Reading;
import io.vitalwire.ingest.replay.QuarantineReplay;
import io.vitalwire.ingest.testing.StackTest;
import io.vitalwire.testing.GatewayReadings;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Quarantined payloads are encrypted at rest (issue 14, point 8): the stored bytes hold none of the reading, each row
 * names its key, and listing, explaining and replaying still see the reading; rows stored in plaintext before V16 are
 * sealed in place by the retention sweep; entries older than the retention are purged, audited and counted, at a
 * fixed clock.
 */
@MicronautTest
class QuarantineAtRestIT extends StackTest {

    private static final String VALUE = "83.17";

    @Inject
    QuarantineStore store;
    @Inject
    QuarantineConfig config;
    @Inject
    QuarantineReplay replay;
    @Inject
    DataSource dataSource;

    private final ContractCodec codec = new ContractCodec();

    QuarantineAtRestIT() {
        super("gw-atrest");
    }

    @Test
    void aQuarantinedReading_isStoredEncrypted_andStillListedExplainedAndReplayed() throws Exception {
        DeviceIdentity stranger = GatewayReadings.device("ATREST-" + run);
        Reading weight = GatewayReadings.weight(gateway, stranger, Instant.now().truncatedTo(ChronoUnit.SECONDS)
                .minus(Duration.ofHours(2)), VALUE);
        send(List.of(weight));

        Stored stored = stored(weight.key());
        assertThat(stored.keyId()).matches("[0-9a-f]{16}");
        assertThat(new String(stored.payload(), StandardCharsets.ISO_8859_1)).doesNotContain(VALUE)
                .doesNotContain(stranger.serial()).doesNotContain("weight");
        assertThat(store.forReading(weight.key())).singleElement()
                .satisfies(e -> assertThat(codec.decodeReading(e.payload())).isEqualTo(weight));
        assertThat(admin.explain(weight.key()).at("/quarantine/0/reason").asText()).isEqualTo("UNKNOWN_DEVICE");

        String patient = fixtures.patient();
        String device = fixtures.device(stranger.serial(), null);
        fixtures.assign(device, patient, Instant.now().minus(Duration.ofDays(1)), null);
        assertThat(replay.replayDevice(stranger.serial(), "test").replayed()).as("replay decrypts").isEqualTo(1);
    }

    /**
     * An entry sealed with a key this replica lacks (found on the demo's database after keys were regenerated) is
     * listed by the admin API all the same, which shows no payload; replaying it names the missing key.
     */
    @Test
    void anEntrySealedWithAKeyThisReplicaLacks_isStillListed() throws Exception {
        DeviceIdentity stranger = GatewayReadings.device("LOSTKEY-" + run);
        Reading weight = GatewayReadings.weight(gateway, stranger, Instant.now().truncatedTo(ChronoUnit.SECONDS)
                .minus(Duration.ofHours(2)), VALUE);
        send(List.of(weight));
        try (Connection c = dataSource.getConnection();
             PreparedStatement update = c.prepareStatement(
                     "UPDATE quarantine SET key_id = '00000000deadbeef' WHERE reading_key = ?")) {
            update.setString(1, weight.key());
            assertThat(update.executeUpdate()).isEqualTo(1);
        }

        assertThat(admin.get("/admin/quarantine?device=" + stranger.serial()).path("entries"))
                .singleElement().satisfies(e -> assertThat(e.path("readingKey").asText()).isEqualTo(weight.key()));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.forReading(weight.key()))
                .hasMessageContaining("00000000deadbeef");
    }

    @Test
    void aRowStoredBeforeEncryption_isSealedInPlace_andReadsTheSame() throws Exception {
        DeviceIdentity old = GatewayReadings.device("OLDROW-" + run);
        Reading reading = GatewayReadings.weight(gateway, old, Instant.parse("2026-01-05T08:00:00Z"), VALUE);
        long id = insertPlaintext(reading, Instant.now());

        QuarantineRetention retention = new QuarantineRetention(store, config, new SimpleMeterRegistry(),
                Clock.systemUTC());
        assertThat(retention.run().sealed()).isGreaterThanOrEqualTo(1);

        Stored stored = stored(reading.key());
        assertThat(stored.keyId()).isNotNull();
        assertThat(new String(stored.payload(), StandardCharsets.ISO_8859_1)).doesNotContain(VALUE)
                .doesNotContain(old.serial());
        assertThat(store.forReading(reading.key())).singleElement().satisfies(e -> {
            assertThat(e.id()).isEqualTo(id);
            assertThat(codec.decodeReading(e.payload())).isEqualTo(reading);
        });
    }

    @Test
    void entriesOlderThanTheRetention_arePurged_auditedAndCounted() throws Exception {
        Instant now = Instant.parse("2026-06-01T00:00:00Z");
        Reading expired = GatewayReadings.weight(gateway, GatewayReadings.device("EXPIRED-" + run), now, VALUE);
        Reading kept = GatewayReadings.weight(gateway, GatewayReadings.device("KEPT-" + run), now, VALUE);
        insertPlaintext(expired, now.minus(config.getRetention()).minusSeconds(1));
        insertPlaintext(kept, now.minus(config.getRetention()).plusSeconds(60));
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();

        QuarantineRetention.Report report = new QuarantineRetention(store, config, metrics,
                Clock.fixed(now, ZoneOffset.UTC)).run();

        assertThat(config.getRetention()).isEqualTo(Duration.ofDays(30));
        assertThat(store.forReading(expired.key())).isEmpty();
        assertThat(store.forReading(kept.key())).hasSize(1);
        assertThat(report.purged()).isGreaterThanOrEqualTo(1);
        assertThat(metrics.counter("vitalwire.ingest.quarantine.purged").count()).isEqualTo(report.purged());
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT purged_at, older_than, entries FROM "
                     + "quarantine_purge_audit ORDER BY id DESC LIMIT 1");
             ResultSet rs = select.executeQuery()) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getTimestamp(1).toInstant()).isEqualTo(now);
            assertThat(rs.getTimestamp(2).toInstant()).isEqualTo(now.minus(Duration.ofDays(30)));
            assertThat(rs.getInt(3)).isEqualTo(report.purged());
        }
    }

    private record Stored(String keyId, byte[] payload) {
    }

    private Stored stored(String readingKey) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT key_id, payload FROM quarantine "
                     + "WHERE reading_key = ?")) {
            select.setString(1, readingKey);
            try (ResultSet rs = select.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return new Stored(rs.getString(1), rs.getBytes(2));
            }
        }
    }

    /** A row as cloud-ingest wrote it before V16: the payload in plaintext, no key id. */
    private long insertPlaintext(Reading reading, Instant at) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO quarantine (received_at, topic, reading_key, "
                     + "device, reason, detail, payload) VALUES (?, 't', ?, ?, 'UNKNOWN_DEVICE', 'd', ?) RETURNING id")) {
            insert.setTimestamp(1, Timestamp.from(at));
            insert.setString(2, reading.key());
            insert.setString(3, reading.device().serial());
            insert.setBytes(4, codec.encodeReading(reading));
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
