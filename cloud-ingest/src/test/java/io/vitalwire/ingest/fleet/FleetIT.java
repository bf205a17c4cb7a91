package io.vitalwire.ingest.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ClockSync;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ContractVersion;
import io.vitalwire.contract.GatewayEvent;
import io.vitalwire.contract.GatewayState;
import io.vitalwire.contract.GatewayStatus;
import io.vitalwire.contract.Presence;
import io.vitalwire.contract.Topic;
import io.vitalwire.ingest.events.GatewayEvents;
import io.vitalwire.ingest.operations.PresenceMessages;
import io.vitalwire.ingest.testing.StackTest;
import io.vitalwire.testing.TestTokens;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator's fleet view, {@code GET /admin/fleet}, over real HTTP on the dev stack's PostgreSQL: hubs known from
 * their state messages and heartbeats as the consumer hands them over (one registered by an operator and never heard
 * of), devices installed through the admin API with a battery report from the hub's events. Checked: each hub's
 * status, last seen, backlog, software and devices with battery; the tenant and offlineForMoreThan filters (a hub
 * silent for 7 h and one for 2 h, their silence set back in PostgreSQL as time passing would); keyset pages that
 * together list every hub once; 400 on bad parameters; 401 without a token, 403 for the metrics role.
 */
@MicronautTest
class FleetIT extends StackTest {

    private final ContractCodec codec = new ContractCodec();
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String tenantA = "fleet-a-" + run;
    private final String tenantB = "fleet-b-" + run;

    @Inject
    PresenceMessages presence;
    @Inject
    GatewayEvents events;
    @Inject
    DataSource dataSource;

    FleetIT() {
        super("gw-fleet");
    }

    private String hub(int n) {
        return gateway + "-" + n;
    }

    @BeforeAll
    void fleet() throws Exception {
        // 1: online with a backlog and two devices, one of them reporting its battery.
        state(tenantA, hub(1), Presence.ONLINE, "1.4.2");
        heartbeat(tenantA, hub(1), 42L, 90_000L, 3L);
        install("sn.FLEET-CUFF-" + run, tenantA, hub(1));
        install("sn.FLEET-SCALE-" + run, tenantA, hub(1));
        events.handle(Topic.of(tenantA, hub(1), Channel.EVENTS).path(), codec.encode(new GatewayEvent(
                ContractVersion.CURRENT, hub(1), Instant.now(), GatewayEvent.DEVICE_BATTERY,
                Map.of("device", "sn.FLEET-CUFF-" + run, "level", "64"))));
        // 2: went offline (its will), 7 hours ago.
        state(tenantA, hub(2), Presence.ONLINE, "1.4.1");
        state(tenantA, hub(2), Presence.OFFLINE, "1.4.1");
        silentFor(tenantA, hub(2), Duration.ofHours(7));
        // 3: says online but silent for 2 hours (its will lost): offline by silence.
        state(tenantA, hub(3), Presence.ONLINE, "1.4.2");
        silentFor(tenantA, hub(3), Duration.ofHours(2));
        // 4: registered by an operator, never connected.
        assertThat(admin.putAs("/admin/gateways/" + hub(4) + "/tenant", "{\"tenant\":\"" + tenantA + "\"}",
                TestTokens.shared().bearer("olga", "operator")).statusCode()).isEqualTo(200);
        // ... and configured from the cloud before it ever connected: issued, not applied.
        assertThat(admin.putAs("/admin/gateways/" + hub(4) + "/config",
                "{\"reporting\": {\"statusIntervalSeconds\": 60}}", TestTokens.shared().bearer("olga", "operator"))
                .statusCode()).isEqualTo(200);
        // Another organization's hub.
        state(tenantB, hub(5), Presence.ONLINE, "1.4.2");
    }

    @Test
    void everyHubOfATenant_withStatus_lastSeen_backlog_software_andDevicesWithBattery() throws Exception {
        JsonNode page = admin.get("/admin/fleet?tenant=" + tenantA);
        assertThat(page.get("next").isNull()).isTrue();
        assertThat(gateways(page)).containsExactly(hub(1), hub(2), hub(3), hub(4));
        assertThat(statuses(page)).containsExactly("ONLINE", "OFFLINE", "OFFLINE", "NEVER_HEARD");

        JsonNode online = page.get("hubs").get(0);
        assertThat(online.get("tenant").asText()).isEqualTo(tenantA);
        assertThat(online.get("backlog").asLong()).isEqualTo(42);
        assertThat(online.get("oldestUnsentMillis").asLong()).isEqualTo(90_000);
        assertThat(online.get("softwareVersion").asText()).isEqualTo("1.4.2");
        assertThat(online.get("configVersion").asLong()).as("as its heartbeat reported it").isEqualTo(3);
        assertThat(online.get("configIssued").isNull()).as("not configured from this cloud").isTrue();
        assertThat(online.get("silentForSeconds").asLong()).isBetween(0L, 60L);
        assertThat(Instant.parse(online.get("lastSeen").asText())).isAfter(Instant.now().minusSeconds(60));
        assertThat(online.get("devices")).hasSize(2);
        assertThat(online.at("/devices/0/device").asText()).isEqualTo("sn.FLEET-CUFF-" + run);
        assertThat(online.at("/devices/0/batteryLevel").asInt()).isEqualTo(64);
        assertThat(online.at("/devices/0/batteryReportedAt").isNull()).isFalse();
        assertThat(online.at("/devices/1/device").asText()).isEqualTo("sn.FLEET-SCALE-" + run);
        assertThat(online.at("/devices/1/batteryLevel").isNull()).as("never reported").isTrue();

        JsonNode willed = page.get("hubs").get(1);
        assertThat(willed.get("state").asText()).isEqualTo("OFFLINE");
        assertThat(willed.get("silentForSeconds").asLong()).isBetween(7 * 3600L, 7 * 3600L + 60);
        assertThat(willed.get("softwareVersion").asText()).isEqualTo("1.4.1");
        assertThat(page.get("hubs").get(2).get("state").asText()).as("as its messages said").isEqualTo("ONLINE");
        JsonNode never = page.get("hubs").get(3);
        assertThat(never.get("lastSeen").isNull()).isTrue();
        assertThat(never.get("devices")).isEmpty();
        assertThat(never.get("configIssued").asLong()).isEqualTo(1);
        assertThat(never.get("configVersion").isNull()).as("never heard: applied nothing").isTrue();

        assertThat(gateways(admin.get("/admin/fleet?tenant=" + tenantB))).containsExactly(hub(5));
        assertThat(gateways(admin.get("/admin/fleet?limit=1000"))).contains(hub(1), hub(4), hub(5));
    }

    @Test
    void offlineForMoreThan_listsHubsSilentLongerThanTheDuration() throws Exception {
        assertThat(gateways(admin.get("/admin/fleet?tenant=" + tenantA + "&offlineForMoreThan=PT6H")))
                .containsExactly(hub(2));
        assertThat(gateways(admin.get("/admin/fleet?tenant=" + tenantA + "&offlineForMoreThan=PT1H")))
                .containsExactly(hub(2), hub(3));
        assertThat(gateways(admin.get("/admin/fleet?tenant=" + tenantA + "&offlineForMoreThan=P1D"))).isEmpty();
        assertThat(admin.status("/admin/fleet?offlineForMoreThan=6")).isEqualTo(400);
        assertThat(admin.status("/admin/fleet?offlineForMoreThan=-PT1H")).isEqualTo(400);
    }

    @Test
    void pages_listEveryHubOnce_inOrder_followingNext() throws Exception {
        List<String> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            HttpResponse<String> response = get("/admin/fleet?tenant=" + tenantA + "&limit=3"
                    + (after == null ? "" : "&after=" + after), TestTokens.shared().admin());
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode page = json.readTree(response.body());
            seen.addAll(gateways(page));
            after = page.get("next").isNull() ? null : page.get("next").asText();
            assertThat(response.headers().firstValue("Link").isPresent()).isEqualTo(after != null);
            pages++;
        } while (after != null);
        assertThat(pages).isEqualTo(2);
        assertThat(seen).containsExactly(hub(1), hub(2), hub(3), hub(4));

        assertThat(admin.status("/admin/fleet?after=not-a-cursor!")).isEqualTo(400);
        assertThat(admin.status("/admin/fleet?limit=1001")).isEqualTo(400);
        assertThat(admin.status("/admin/fleet?limit=0")).isEqualTo(400);
        assertThat(admin.status("/admin/fleet?tenant=a/b")).isEqualTo(400);
    }

    @Test
    void withoutAToken_401_withAnotherRole_403_everyReadingRole_200() throws Exception {
        assertThat(get("/admin/fleet", null).statusCode()).isEqualTo(401);
        assertThat(get("/admin/fleet", TestTokens.shared().bearer("prom", "metrics")).statusCode()).isEqualTo(403);
        for (String role : List.of("auditor", "operator", "clinical-admin")) {
            assertThat(get("/admin/fleet?tenant=" + tenantB, TestTokens.shared().bearer("x", role)).statusCode())
                    .as(role).isEqualTo(200);
        }
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.getURL() + path)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> gateways(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("hubs").forEach(h -> ids.add(h.get("gateway").asText()));
        return ids;
    }

    private static List<String> statuses(JsonNode page) {
        List<String> s = new ArrayList<>();
        page.get("hubs").forEach(h -> s.add(h.get("status").asText()));
        return s;
    }

    private void state(String tenant, String gw, Presence p, String software) {
        presence.handle(Topic.of(tenant, gw, Channel.STATE).path(), codec.encode(new GatewayState(
                ContractVersion.CURRENT, gw, p, Instant.now(), software)));
    }

    private void heartbeat(String tenant, String gw, long queueDepth, long oldestUnsentMillis, Long configVersion) {
        presence.handle(Topic.of(tenant, gw, Channel.STATUS).path(), codec.encode(new GatewayStatus(
                ContractVersion.CURRENT, gw, Instant.now(), queueDepth, oldestUnsentMillis, "connected",
                Map.of("ble", "powered"), ClockSync.SYNCED, 0L, null, configVersion)));
    }

    private void install(String device, String tenant, String gw) throws Exception {
        assertThat(admin.putAs("/admin/devices/" + device + "/gateway", "{\"tenant\":\"" + tenant
                + "\",\"gateway\":\"" + gw + "\"}", TestTokens.shared().bearer("ivan", "operator")).statusCode())
                .isEqualTo(200);
    }

    /** The hub last heard of {@code ago}: as if it had been silent since. */
    private void silentFor(String tenant, String gw, Duration ago) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement update = c.prepareStatement("UPDATE gateway_presence SET last_heard_at = ?, "
                     + "state_since = ? WHERE tenant = ? AND gateway = ?")) {
            Timestamp at = Timestamp.from(Instant.now().minus(ago));
            update.setTimestamp(1, at);
            update.setTimestamp(2, at);
            update.setString(3, tenant);
            update.setString(4, gw);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }
}
