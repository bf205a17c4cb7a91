package io.vitalwire.ingest.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ClockSync;
import io.vitalwire.contract.ContractVersion;
import io.vitalwire.contract.GatewayState;
import io.vitalwire.contract.GatewayStatus;
import io.vitalwire.contract.Presence;
import io.vitalwire.ingest.quarantine.QuarantineReason;
import io.vitalwire.ingest.quarantine.QuarantineStore;
import io.vitalwire.ingest.testing.AtOnce;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * Gateways offline, from their state and status messages as the consumer hands them over, with offline-after at
 * {@value #OFFLINE_AFTER_MILLIS} ms: an offline state → after that time one {@code gateway-offline} alert (operations,
 * its webhook queued for the operations endpoint only, its Task owed), however often swept; heartbeats keep a
 * gateway quiet and their end is a silence alerted like an offline; back online and offline again → a second alert;
 * sweeps at once → one alert; a retained state replayed on subscribing introduces a gateway, never starts a new
 * period; a late will does not outlive the heartbeats after it.
 */
@MicronautTest
class OperationsOfflineIT extends OperationsStackTest {

    private static final long OFFLINE_AFTER_MILLIS = 2_000;
    private static final Duration OFFLINE_AFTER = Duration.ofMillis(OFFLINE_AFTER_MILLIS);

    @Inject
    PresenceMessages presence;
    @Inject
    GatewayOfflineAlerts offline;
    @Inject
    QuarantineStore quarantine;

    OperationsOfflineIT() {
        super("gw-offline");
    }

    @Override
    protected Map<String, String> operationsProperties() {
        return Map.of("vitalwire.ingest.operations.offline-after", OFFLINE_AFTER_MILLIS + "ms");
    }

    @Test
    void anOfflineState_afterOfflineAfter_raisesOneAlert_withItsWebhookAndTask() throws Exception {
        String gw = gateway + "-a";
        state(gw, Presence.ONLINE);
        state(gw, Presence.OFFLINE);
        assertThat(offline.sweep(clock.instant())).as("not offline for long enough yet").isZero();
        assertThat(presenceOf(gw).get("state").asText()).isEqualTo("OFFLINE");

        awaitAlerts(gw, 1);
        assertThat(offline.sweep(clock.instant())).as("once per offline period").isZero();

        AlertRow alert = alerts("gateway-offline", gw).get(0);
        assertThat(alert.kind()).isEqualTo("operations");
        assertThat(alert.severity()).isEqualTo("warning");
        assertThat(alert.patient()).isNull();
        assertThat(alert.device()).isNull();
        assertThat(deliveries(alert.id())).containsExactly(operationsEndpoint);
        assertThat(taskOwed(alert.id())).isTrue();
        assertThat(presenceOf(gw).get("offlineAlertedFor").asText())
                .isEqualTo(presenceOf(gw).get("lastHeardAt").asText());
    }

    @Test
    void heartbeats_keepAGatewayQuiet_andTheirEnd_isAlertedLikeAnOffline() throws Exception {
        String gw = gateway + "-b";
        state(gw, Presence.ONLINE);
        Instant until = Instant.now().plus(OFFLINE_AFTER.multipliedBy(2));
        while (Instant.now().isBefore(until)) {
            heartbeat(gw, Instant.now());
            Thread.sleep(300);
            assertThat(offline.sweep(clock.instant())).isZero();
        }
        assertThat(alerts("gateway-offline", gw)).isEmpty();
        assertThat(presenceOf(gw).get("queueDepth").asLong()).isEqualTo(3);

        awaitAlerts(gw, 1);
        assertThat(presenceOf(gw).get("state").asText()).as("no will came: silent, not offline")
                .isEqualTo("ONLINE");
    }

    @Test
    void backOnlineAndOfflineAgain_raisesASecondAlert() throws Exception {
        String gw = gateway + "-c";
        state(gw, Presence.OFFLINE);
        awaitAlerts(gw, 1);

        state(gw, Presence.ONLINE);
        assertThat(offline.sweep(clock.instant())).isZero();
        state(gw, Presence.OFFLINE);
        awaitAlerts(gw, 2);

        List<AlertRow> both = alerts("gateway-offline", gw);
        assertThat(both.get(0).id()).isNotEqualTo(both.get(1).id());
        assertThat(deliveries(both.get(1).id())).containsExactly(operationsEndpoint);
    }

    @Test
    void sweepsAtOnce_raiseOneAlert() throws Exception {
        String gw = gateway + "-d";
        state(gw, Presence.OFFLINE);
        Thread.sleep(OFFLINE_AFTER_MILLIS + 200);

        List<Callable<Integer>> sweeps = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sweeps.add(() -> offline.sweep(clock.instant()));
        }
        int before = offlineAlertsOfEveryGateway();
        int raised = AtOnce.run(sweeps).stream().mapToInt(Integer::intValue).sum();
        // The sweeps also find this class's other silent gateways: what they raised is what was added, once each.
        assertThat(raised).isEqualTo(offlineAlertsOfEveryGateway() - before).isPositive();
        assertThat(alerts("gateway-offline", gw)).hasSize(1);
        assertThat(deliveries(alerts("gateway-offline", gw).get(0).id())).hasSize(1);
    }

    @Test
    void aRetainedStateReplayed_introducesAnUnknownGateway_butNeverStartsANewOfflinePeriod() throws Exception {
        String gw = gateway + "-f";
        byte[] retainedOffline = encode(new GatewayState(ContractVersion.CURRENT, gw, Presence.OFFLINE,
                Instant.now().minus(Duration.ofDays(2)), "1.0"));
        presence.handle(topic(gw, Channel.STATE), retainedOffline, true);
        assertThat(presenceOf(gw).get("state").asText()).isEqualTo("OFFLINE");
        awaitAlerts(gw, 1);

        // Every replica's reconnect replays it (Mosquitto sends retained messages to shared subscriptions too).
        String heard = presenceOf(gw).get("lastHeardAt").asText();
        presence.handle(topic(gw, Channel.STATE), retainedOffline, true);
        assertThat(presenceOf(gw).get("lastHeardAt").asText()).isEqualTo(heard);
        Thread.sleep(OFFLINE_AFTER_MILLIS + 200);
        offline.sweep(clock.instant());
        assertThat(alerts("gateway-offline", gw)).as("the same offline period").hasSize(1);
    }

    @Test
    void aLateWill_isUndoneByTheHeartbeatsAfterIt_andMalformedPresenceIsQuarantined() throws Exception {
        String gw = gateway + "-e";
        Instant connectedAt = Instant.now();
        state(gw, Presence.ONLINE, connectedAt);
        // The will of an earlier connection, delivered late: made before this connection's heartbeats.
        state(gw, Presence.OFFLINE, connectedAt.minusSeconds(60));
        assertThat(presenceOf(gw).get("state").asText()).isEqualTo("OFFLINE");
        heartbeat(gw, Instant.now());
        assertThat(presenceOf(gw).get("state").asText()).isEqualTo("ONLINE");

        presence.handle(topic(gw, Channel.STATUS), "{\"v\":\"1.0\"".getBytes(StandardCharsets.UTF_8));
        presence.handle(topic(gw, Channel.STATE), encode(new GatewayState(ContractVersion.CURRENT, gw + "-other",
                Presence.OFFLINE, Instant.now(), "1.0")));
        assertThat(quarantine.list(new QuarantineStore.Filter(QuarantineReason.CONTRACT_VIOLATION, null),
                Long.MAX_VALUE, 50)).filteredOn(e -> e.topic().contains("/" + gw + "/")).hasSize(2);
        assertThat(presenceOf(gw).get("state").asText()).isEqualTo("ONLINE");
        assertThat(admin.status("/admin/gateways/bad.id/presence")).isEqualTo(400);
    }

    private void state(String gw, Presence p) {
        state(gw, p, Instant.now());
    }

    private void state(String gw, Presence p, Instant at) {
        presence.handle(topic(gw, Channel.STATE), encode(new GatewayState(ContractVersion.CURRENT, gw, p, at,
                "1.0")));
    }

    private void heartbeat(String gw, Instant at) {
        presence.handle(topic(gw, Channel.STATUS), encode(new GatewayStatus(ContractVersion.CURRENT, gw, at, 3L,
                null, "connected", Map.of("ble", "powered"), ClockSync.SYNCED, 0L, null, null)));
    }

    private int offlineAlertsOfEveryGateway() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement count = c.prepareStatement("SELECT count(*) FROM alert WHERE rule = 'gateway-offline'");
             ResultSet rs = count.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private JsonNode presenceOf(String gw) throws Exception {
        JsonNode all = admin.get("/admin/gateways/" + gw + "/presence");
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    /** Sweeps until the gateway has {@code count} offline alerts: a sweep alerts once offline-after has passed. */
    private void awaitAlerts(String gw, int count) throws Exception {
        await().atMost(OFFLINE_AFTER.plusSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
            offline.sweep(clock.instant());
            return alerts("gateway-offline", gw).size() >= count;
        });
        assertThat(alerts("gateway-offline", gw)).hasSize(count);
    }
}
