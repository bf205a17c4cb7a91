package io.vitalwire.ingest.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.Reading;
import io.vitalwire.ingest.fhir.FhirSystems;
import io.vitalwire.ingest.testing.StackTest;
import io.vitalwire.testing.GatewayMessages;
import io.vitalwire.testing.GatewayReadings;
import io.vitalwire.testing.TestTokens;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tenants are isolated (issue 14, point 3), on cloud-ingest's side, end to end on the local stack: a gateway belongs
 * to one tenant, and a reading it sends under another tenant's topic is quarantined {@code TENANT_MISMATCH} — no
 * Observation, no InfluxDB point, no alert, no device bound — whatever the broker let through. A gateway moves to
 * another tenant only through the admin API, as an operator, audited; its held-back readings are replayed then.
 */
@MicronautTest
class TenantIsolationIT extends StackTest {

    private static final String OTHER_TENANT = "other";

    private final TestTokens tokens = TestTokens.shared();

    TenantIsolationIT() {
        super("gw-tenant");
    }

    @Test
    void aReadingUnderAnotherTenant_isQuarantined_andNeverReachesARecord() throws Exception {
        // This test's gateway sends its first reading under its own tenant: registered there on first use.
        String patient = fixtures.patient();
        DeviceIdentity scale = registered("SCALE-HOME", patient);
        Instant at = minuteBefore(Duration.ofMinutes(30));
        Reading home = GatewayReadings.weight(gateway, scale, at, "70.0");
        send(List.of(home));
        assertThat(admin.get("/admin/gateways/" + gateway + "/tenant").get("tenant").asText()).isEqualTo(TENANT);

        // The same gateway, under another tenant's topic, with a device of a patient of that tenant: no hub has sent
        // it yet, so without the tenant check its first reading would install it here and reach the patient.
        String theirPatient = fixtures.patient();
        DeviceIdentity theirs = registered("CUFF-THEIRS", theirPatient);
        Reading crossing = GatewayReadings.weight(gateway, theirs, at.plusSeconds(60), "99.0");
        // And a device of its own home under that tenant: the tenant is checked before the device's hub.
        Reading ownDevice = GatewayReadings.weight(gateway, scale, at.plusSeconds(120), "99.5");
        sendAs(OTHER_TENANT, List.of(crossing, ownDevice));

        for (Reading r : List.of(crossing, ownDevice)) {
            JsonNode trail = admin.explain(r.key());
            assertThat(trail.at("/inbox/stages/0/outcome").asText()).isEqualTo("quarantined TENANT_MISMATCH");
            assertThat(trail.at("/quarantine/0/detail").asText())
                    .contains("registered under tenant " + TENANT).contains("sent under tenant " + OTHER_TENANT);
            assertThat(fixtures.observations(FhirSystems.READING_KEY, r.key())).isEmpty();
        }
        assertThat(admin.status("/admin/devices/" + theirs.stableId() + "/gateway")).as("no device bound")
                .isEqualTo(404);
        assertThat(fixtures.observationsOf(theirPatient)).isEmpty();
        assertThat(fixtures.observations(FhirSystems.READING_KEY, home.key())).hasSize(1);
        assertThat(admin.get("/admin/quarantine?device=" + theirs.serial() + "&reason=TENANT_MISMATCH")
                .get("entries")).hasSize(1);
    }

    @Test
    void aGatewayMovesToAnotherTenant_onlyThroughTheApi_asAnOperator_audited() throws Exception {
        String mover = "gw-mover-" + run;
        String path = "/admin/gateways/" + mover + "/tenant";
        String patient = fixtures.patient();
        DeviceIdentity scale = registered("SCALE-MOVE", patient);
        Instant at = minuteBefore(Duration.ofMinutes(50));
        Reading before = GatewayReadings.weight(mover, scale, at, "71.0");
        sendAs(TENANT, mover, List.of(before));
        // Sent under the new tenant before anyone moved the gateway: held back.
        Reading early = GatewayReadings.weight(mover, scale, at.plusSeconds(60), "71.1");
        sendAs(OTHER_TENANT, mover, List.of(early));
        assertThat(admin.explain(early.key()).at("/inbox/stages/0/outcome").asText())
                .isEqualTo("quarantined TENANT_MISMATCH");

        String move = "{\"tenant\": \"" + OTHER_TENANT + "\", \"note\": \"home moved to the other provider\"}";
        assertThat(admin.putAs(path, move, null).statusCode()).isEqualTo(401);
        assertThat(admin.putAs(path, move, tokens.bearer("ann", "auditor")).statusCode()).isEqualTo(403);
        assertThat(admin.putAs(path, move, tokens.bearer("cat", "clinical-admin")).statusCode()).isEqualTo(403);
        assertThat(admin.get("/admin/gateways/" + mover + "/tenant").get("tenant").asText()).as("unchanged")
                .isEqualTo(TENANT);
        assertThat(admin.putAs(path, "{\"tenant\": \"a/b\"}", tokens.bearer("oscar-" + run, "operator"))
                .statusCode()).isEqualTo(400);
        HttpResponse<String> moved = admin.putAs(path, move, tokens.bearer("oscar-" + run, "operator"));
        assertThat(moved.statusCode()).isEqualTo(200);

        // The device moves with its hub (its installation names the hub's tenant too): an operator's other step.
        assertThat(admin.put("/admin/devices/" + scale.stableId() + "/gateway", "{\"tenant\": \"" + OTHER_TENANT
                + "\", \"gateway\": \"" + mover + "\"}", "nurse-1").statusCode()).isEqualTo(200);
        JsonNode report = admin.post("/admin/quarantine/replay?device=" + scale.serial());
        assertThat(report.get("replayed").asInt()).isEqualTo(1);
        awaitSettled(List.of(early));
        assertThat(fixtures.observations(FhirSystems.READING_KEY, early.key())).hasSize(1);
        Reading stale = GatewayReadings.weight(mover, scale, at.plusSeconds(120), "71.2");
        sendAs(TENANT, mover, List.of(stale));
        assertThat(admin.explain(stale.key()).at("/inbox/stages/0/outcome").asText())
                .isEqualTo("quarantined TENANT_MISMATCH");

        JsonNode changes = admin.get("/admin/gateways/" + mover + "/tenants");
        assertThat(changes).hasSize(2);
        assertThat(changes.at("/0/by").asText()).isEqualTo("oscar-" + run);
        assertThat(changes.at("/0/before").asText()).isEqualTo(TENANT);
        assertThat(changes.at("/0/after").asText()).isEqualTo(OTHER_TENANT);
        assertThat(changes.at("/0/note").asText()).isEqualTo("home moved to the other provider");
        assertThat(changes.at("/1/by").asText()).isEqualTo(Registration.FIRST_USE);
        assertThat(changes.at("/1/before").isNull()).isTrue();
        assertThat(changes.at("/1/readingKey").asText()).isEqualTo(before.key());
        JsonNode audited = admin.get("/admin/audit?subject=oscar-" + run).get("entries");
        assertThat(audited).as("the refused and the accepted write").hasSize(2).allSatisfy(entry -> {
            assertThat(entry.get("method").asText()).isEqualTo("PUT");
            assertThat(entry.get("path").asText()).isEqualTo(path);
        });
        assertThat(audited.at("/0/status").asInt()).isEqualTo(200);
    }

    @Test
    void aNewGateway_isRegisteredByItsFirstReading_evenOfAnUnknownDevice() throws Exception {
        String fresh = "gw-fresh-" + run;
        Reading reading = GatewayReadings.weight(fresh, GatewayReadings.device("STRANGER-" + run),
                minuteBefore(Duration.ofMinutes(5)), "60.0");
        sendAs(OTHER_TENANT, fresh, List.of(reading));
        assertThat(admin.explain(reading.key()).at("/inbox/stages/0/outcome").asText())
                .isEqualTo("quarantined UNKNOWN_DEVICE");
        assertThat(admin.get("/admin/gateways/" + fresh + "/tenant").get("tenant").asText()).isEqualTo(OTHER_TENANT);
    }

    /** Hands the readings to ingest as one message of this test's gateway under {@code tenant}, and waits. */
    private void sendAs(String tenant, List<Reading> readings) {
        sendAs(tenant, gateway, readings);
    }

    private void sendAs(String tenant, String hub, List<Reading> readings) {
        ingest.handle(GatewayMessages.readingsTopic(tenant, hub), GatewayMessages.readings(hub, readings));
        awaitSettled(readings);
    }
}
