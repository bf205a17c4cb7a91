package io.vitalwire.ingest.installation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.vitalwire.contract.ClockQuality;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.MeasurementType;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingKey;
import io.vitalwire.contract.ReadingValue;
import io.vitalwire.contract.Source;
import io.vitalwire.contract.Transport;
import io.vitalwire.ingest.fhir.FhirSystems;
import io.vitalwire.ingest.quarantine.QuarantineReason;
import io.vitalwire.ingest.quarantine.QuarantineStore;
import io.vitalwire.ingest.testing.StackTest;
import io.vitalwire.testing.GatewayMessages;
import io.vitalwire.testing.GatewayReadings;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;

/**
 * A device speaks only through its own home's hub (issue 14, point 2), end to end on the local stack: a hub of
 * another tenant cannot write into a patient's record by knowing a device serial, nor pre-claim the genuine hub's
 * reading keys; a key that arrives again with another measurement is kept for review, not dropped; a device moves to
 * another hub only through the admin API, audited.
 */
@MicronautTest
class GatewayBindingIT extends StackTest {

    private static final String EVIL_TENANT = "evil";

    @Inject
    QuarantineStore quarantine;

    private final ContractCodec codec = new ContractCodec();

    GatewayBindingIT() {
        super("gw-home");
    }

    @Test
    void anotherTenantsHub_writesNothingIntoThePatientsRecord_andTheGenuineReadingStillArrives() throws Exception {
        String patient = fixtures.patient();
        DeviceIdentity thermometer = registered("THERMO", patient);
        String evil = "evil-gw-" + run;
        Instant earlier = minuteBefore(Duration.ofMinutes(30));
        // The thermometer is in use at its home: its first reading installs it at this hub (trust on first use).
        Reading first = temperature(gateway, thermometer, earlier, "36.8");
        send(List.of(first));
        assertThat(admin.get("/admin/devices/" + thermometer.stableId() + "/gateway").at("/hub/gateway").asText())
                .isEqualTo(gateway);

        // The attack of the issue: another tenant's hub publishes 39.9 °C under a key of this hub's thermometer…
        Instant at = minuteBefore(Duration.ofMinutes(10));
        Reading forged = temperature(gateway, thermometer, at, "39.9");
        ingest.handle(GatewayMessages.readingsTopic(EVIL_TENANT, evil), GatewayMessages.readings(evil,
                List.of(forged)));
        // …and under a key of its own, for the same device.
        Reading ownKey = temperature(evil, thermometer, at, "39.9");
        ingest.handle(GatewayMessages.readingsTopic(EVIL_TENANT, evil), GatewayMessages.readings(evil,
                List.of(ownKey)));
        awaitSettled(List.of(ownKey));
        // The genuine reading under that key, sent next by the thermometer's own hub.
        Reading genuine = temperature(gateway, thermometer, at, "36.6");
        send(List.of(genuine));

        assertThat(admin.explain(forged.key()).get("quarantine")).anySatisfy(q -> {
            assertThat(q.get("reason").asText()).isEqualTo("GATEWAY_MISMATCH");
            assertThat(q.get("detail").asText()).contains("sent by gateway '" + evil + "'");
        });
        assertThat(admin.explain(ownKey.key()).at("/inbox/stages/0/outcome").asText())
                .isEqualTo("quarantined DEVICE_NOT_AT_GATEWAY");
        assertThat(admin.explain(ownKey.key()).at("/quarantine/0/detail").asText())
                .contains("installed at hub " + TENANT + "/" + gateway).contains("sent by hub " + EVIL_TENANT + "/" + evil);
        List<Observation> delivered = fixtures.observations(FhirSystems.READING_KEY, genuine.key());
        assertThat(delivered).hasSize(1);
        assertThat(delivered.get(0).getValueQuantity().getValue()).isEqualByComparingTo("36.6");
        assertThat(fixtures.observations(FhirSystems.READING_KEY, ownKey.key())).isEmpty();
        assertThat(fixtures.observationsOf(patient)).as("the two genuine readings, nothing of the other hub")
                .hasSize(2).allSatisfy(o -> assertThat(o.getValueQuantity().getValue().doubleValue()).isLessThan(37));
        assertThat(admin.get("/admin/alerts?patient=" + id(patient)).get("alerts")).as("no 39.9 °C alert").isEmpty();
    }

    @Test
    void aBatchSpeakingForAnotherGatewayThanItsTopic_isAContractViolation() throws Exception {
        DeviceIdentity scale = registered("SCALE-TOPIC", fixtures.patient());
        String other = "other-gw-" + run;
        Reading reading = GatewayReadings.weight(other, scale, minuteBefore(Duration.ofMinutes(5)), "70.0");
        ingest.handle(GatewayMessages.readingsTopic(TENANT, gateway), GatewayMessages.readings(other,
                List.of(reading)));

        assertThat(admin.get("/admin/quarantine?reason=CONTRACT_VIOLATION").get("entries")).anySatisfy(q ->
                assertThat(q.get("detail").asText()).startsWith("INVALID_TOPIC").contains(other));
        assertThat(inbox.trail(reading.key())).isEmpty();
    }

    @Test
    void aKeyArrivingAgainWithAnotherMeasurement_isAKeyConflict_andTheFirstStays() throws Exception {
        String patient = fixtures.patient();
        DeviceIdentity scale = registered("SCALE-CONFLICT", patient);
        Instant at = minuteBefore(Duration.ofMinutes(20));
        Reading stored = GatewayReadings.weight(gateway, scale, at, "72.4");
        Reading different = GatewayReadings.weight(gateway, scale, at, "80.0");
        assertThat(different.key()).isEqualTo(stored.key());
        send(List.of(stored));
        send(List.of(stored)); // the same reading again: a harmless duplicate
        ingest.handle(GatewayMessages.readingsTopic(TENANT, gateway), GatewayMessages.readings(gateway,
                List.of(different)));
        // Re-timed by the gateway (a stored record sent again): still the same measurement, not a conflict.
        Reading retimed = new Reading(stored.key(), stored.type(), stored.mdc(), stored.loinc(), stored.values(),
                stored.device(), stored.sequence(), stored.deviceTime(), stored.measuredAt().plusSeconds(3),
                stored.receivedAt().plusSeconds(600), 3_000L, ClockQuality.CORRECTED, stored.source(), stored.flags());
        send(List.of(retimed));

        // Two readings under one key in one message (one group commit): the first is taken, the second kept aside.
        Instant later = at.plus(Duration.ofMinutes(5));
        Reading firstOfGroup = GatewayReadings.weight(gateway, scale, later, "71.0");
        Reading secondOfGroup = GatewayReadings.weight(gateway, scale, later, "71.5");
        send(List.of(firstOfGroup, secondOfGroup));

        JsonNode conflicts = admin.get("/admin/quarantine?device=" + scale.serial() + "&reason=KEY_CONFLICT");
        assertThat(conflicts.get("entries")).hasSize(2);
        assertThat(conflicts.at("/entries/1/readingKey").asText()).isEqualTo(stored.key());
        assertThat(conflicts.at("/entries/1/detail").asText()).contains("another measurement");
        assertThat(conflicts.at("/entries/0/readingKey").asText()).isEqualTo(firstOfGroup.key());
        assertThat(kept(stored.key())).as("both readings kept for review").containsExactly(different, stored);
        assertThat(kept(firstOfGroup.key())).containsExactly(secondOfGroup, firstOfGroup);

        assertThat(fixtures.observations(FhirSystems.READING_KEY, stored.key())).singleElement()
                .satisfies(o -> assertThat(o.getValueQuantity().getValue()).isEqualByComparingTo("72.4"));
        assertThat(fixtures.observations(FhirSystems.READING_KEY, firstOfGroup.key())).singleElement()
                .satisfies(o -> assertThat(o.getValueQuantity().getValue()).isEqualByComparingTo("71.0"));
    }

    @Test
    void aDeviceMovedThroughTheApi_isTakenFromItsNewHub_andRefusedFromItsOldOne_withAnAudit() throws Exception {
        String patient = fixtures.patient();
        DeviceIdentity cuff = registered("CUFF-MOVE", patient);
        String newHub = "gw-new-" + run;
        Instant at = minuteBefore(Duration.ofMinutes(40));
        Reading atHome = GatewayReadings.weight(gateway, cuff, at, "70.1");
        send(List.of(atHome));
        // The patient's new hub sends before anyone moved the device: held back.
        Reading early = GatewayReadings.weight(newHub, cuff, at.plus(Duration.ofMinutes(1)), "70.2");
        sendAs(TENANT, newHub, List.of(early));
        assertThat(admin.explain(early.key()).at("/inbox/stages/0/outcome").asText())
                .isEqualTo("quarantined DEVICE_NOT_AT_GATEWAY");

        assertThat(admin.put("/admin/devices/" + cuff.stableId() + "/gateway", "{\"tenant\": \"" + TENANT
                + "\", \"gateway\": \"nope/..\"}", "nurse-1").statusCode()).isEqualTo(400);
        HttpResponse<String> moved = admin.put("/admin/devices/" + cuff.stableId() + "/gateway",
                "{\"tenant\": \"" + TENANT + "\", \"gateway\": \"" + newHub + "\", \"note\": \"hub replaced\"}",
                "nurse-1");
        assertThat(moved.statusCode()).isEqualTo(200);

        Reading fromNew = GatewayReadings.weight(newHub, cuff, at.plus(Duration.ofMinutes(2)), "70.3");
        sendAs(TENANT, newHub, List.of(fromNew));
        Reading fromOld = GatewayReadings.weight(gateway, cuff, at.plus(Duration.ofMinutes(3)), "70.4");
        send(List.of(fromOld));
        assertThat(fixtures.observations(FhirSystems.READING_KEY, fromNew.key())).hasSize(1);
        assertThat(fixtures.observations(FhirSystems.READING_KEY, fromOld.key())).isEmpty();
        assertThat(admin.explain(fromOld.key()).at("/inbox/stages/0/outcome").asText())
                .isEqualTo("quarantined DEVICE_NOT_AT_GATEWAY");

        // The new hub's held-back reading is replayed now that the device is installed there; the old hub's is not.
        JsonNode report = admin.post("/admin/quarantine/replay?device=" + cuff.serial());
        assertThat(report.get("replayed").asInt()).isEqualTo(1);
        assertThat(report.get("waiting").asInt()).isEqualTo(1);
        awaitSettled(List.of(early));
        assertThat(fixtures.observations(FhirSystems.READING_KEY, early.key())).hasSize(1);
        assertThat(fixtures.observations(FhirSystems.READING_KEY, fromOld.key())).isEmpty();

        JsonNode audit = admin.get("/admin/devices/" + cuff.stableId() + "/installations");
        assertThat(audit).hasSize(2);
        assertThat(audit.at("/0/by").asText()).isEqualTo("nurse-1");
        assertThat(audit.at("/0/before/gateway").asText()).isEqualTo(gateway);
        assertThat(audit.at("/0/after/gateway").asText()).isEqualTo(newHub);
        assertThat(audit.at("/0/note").asText()).isEqualTo("hub replaced");
        assertThat(audit.at("/1/by").asText()).isEqualTo(Installation.FIRST_USE);
        assertThat(audit.at("/1/before").isNull()).isTrue();
        assertThat(audit.at("/1/after/gateway").asText()).isEqualTo(gateway);
        assertThat(audit.at("/1/readingKey").asText()).isEqualTo(atHome.key());
    }

    @Test
    void anUnassignedDevice_bindsNoHub() throws Exception {
        DeviceIdentity stranger = GatewayReadings.device("STRANGER-" + run);
        Reading reading = GatewayReadings.weight(gateway, stranger, minuteBefore(Duration.ofMinutes(7)), "60.0");
        send(List.of(reading));
        assertThat(admin.status("/admin/devices/" + stranger.stableId() + "/gateway")).isEqualTo(404);
    }

    /** Hands the readings to ingest as one message of another hub and waits until they went through every stage. */
    private void sendAs(String tenant, String hub, List<Reading> readings) {
        ingest.handle(GatewayMessages.readingsTopic(tenant, hub), GatewayMessages.readings(hub, readings));
        awaitSettled(readings);
    }

    /** The KEY_CONFLICT entries' readings (decrypted by the store): the one that arrived, then the one the key held. */
    private List<Reading> kept(String readingKey) throws Exception {
        List<Reading> readings = new ArrayList<>();
        for (QuarantineStore.Entry e : quarantine.forReading(readingKey)) {
            if (e.reason() == QuarantineReason.KEY_CONFLICT) {
                readings.add(codec.decodeReading(e.payload()));
                readings.add(codec.decodeReading(e.heldPayload()));
            }
        }
        return readings;
    }

    /** A BLE Health Thermometer measurement (2A1C) the device dated by its own (local) clock. */
    private static Reading temperature(String gatewayId, DeviceIdentity device, Instant at, String celsius) {
        String deviceTime = LocalDateTime.ofInstant(at, ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).toString();
        return new Reading(ReadingKey.of(gatewayId, device, null, deviceTime, at, "150364"),
                MeasurementType.BODY_TEMPERATURE, "150364", "8310-5",
                List.of(new ReadingValue("150364", "8310-5", new BigDecimal(celsius), "Cel")), device, null,
                deviceTime, at, at, null, ClockQuality.UNCORRECTED, new Source(Transport.BLE, "2A1C"), List.of());
    }

    private static String id(String reference) {
        return reference.substring(reference.indexOf('/') + 1);
    }
}
