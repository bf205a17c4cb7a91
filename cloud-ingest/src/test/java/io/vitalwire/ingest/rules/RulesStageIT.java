package io.vitalwire.ingest.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.vitalwire.contract.ClockQuality;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.MeasurementType;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingKey;
import io.vitalwire.contract.ReadingValue;
import io.vitalwire.contract.Source;
import io.vitalwire.contract.Transport;
import io.vitalwire.ingest.testing.StackTest;
import io.vitalwire.testing.GatewayReadings;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The {@code rules} stage in the running pipeline, on the dev stack: readings handed to the inbox as the consumer
 * would become alert rows (with the same engine as the backtest), once per decision however often the readings are
 * delivered; one alert per rule within the suppression window unless worse, a backlog marked late; streams alert
 * only when sustained; overrides through the admin API apply and are audited; heart failure
 * from a FHIR Condition enables weight gain; the no-data sweep alerts once per silence.
 */
@MicronautTest
class RulesStageIT extends StackTest {

    @Inject
    DataSource dataSource;
    @Inject
    NoDataSweep noData;

    RulesStageIT() {
        super("gw-rules");
    }

    @Test
    void aCriticalBloodPressureInKpa_isOneAlert_howeverOftenItIsDelivered() throws Exception {
        String patient = fixtures.patient();
        DeviceIdentity cuff = registered("CUFF", patient);
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(30);
        Reading bp = spot(cuff, at, MeasurementType.BLOOD_PRESSURE, "150020",
                value("150021", "24.0", "kPa"), value("150022", "12.0", "kPa"));
        send(List.of(bp));
        send(List.of(bp));

        assertThat(alerts(patient)).containsExactly("systolic critical " + bp.key());
        assertThat(admin.explain(bp.key()).at("/inbox/stages/3/stage").asText()).isEqualTo("rules");
        assertThat(admin.explain(bp.key()).at("/inbox/stages/3/state").asText()).isEqualTo("done");
    }

    @Test
    void suppression_oneAlertPerRuleWithinTheHour_worseAlertsAgain_andABacklogIsMarkedLate() throws Exception {
        String patient = fixtures.patient();
        DeviceIdentity thermometer = registered("FEVER", patient);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Reading warning = spot(thermometer, now.minusSeconds(600), MeasurementType.BODY_TEMPERATURE, "150364",
                value("150364", "38.4", "Cel"));
        Reading warningAgain = spot(thermometer, now.minusSeconds(300), MeasurementType.BODY_TEMPERATURE, "150364",
                value("150364", "38.6", "Cel"));
        Reading critical = spot(thermometer, now.minusSeconds(120), MeasurementType.BODY_TEMPERATURE, "150364",
                value("150364", "39.7", "Cel"));
        send(List.of(warning));
        send(List.of(warningAgain));
        send(List.of(critical));
        assertThat(alerts(patient)).as("suppressed within the hour unless worse").containsExactly(
                "temperature warning " + warning.key(), "temperature critical " + critical.key());

        // A gateway's backlog: measured 5 h ago, arriving now. Evaluated on its time (outside the hour), marked late.
        String other = fixtures.patient();
        DeviceIdentity backlogged = registered("BACKLOG", other);
        Reading old = spot(backlogged, now.minus(Duration.ofHours(5)), MeasurementType.BODY_TEMPERATURE, "150364",
                value("150364", "39.8", "Cel"));
        send(List.of(old));
        assertThat(alerts(other)).containsExactly("temperature critical " + old.key());
        assertThat(lateOf(old.key())).as("late: an hours-old value is not presented as new").isTrue();
        assertThat(lateOf(critical.key())).isFalse();
    }

    private boolean lateOf(String readingKey) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT late FROM alert WHERE reading_key = ?")) {
            select.setString(1, readingKey);
            try (ResultSet rs = select.executeQuery()) {
                assertThat(rs.next()).as("an alert on " + readingKey).isTrue();
                return rs.getBoolean(1);
            }
        }
    }

    @Test
    void aStream_alertsOnlyWhenSustained_withTheSustainedBandsSeverity() throws Exception {
        String patient = fixtures.patient();
        DeviceIdentity strap = registered("HR", patient);
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(120);
        List<Reading> stream = new ArrayList<>();
        String[] bpm = {"135", "135", "80", "115", "115", "140", "141"};
        for (int i = 0; i < bpm.length; i++) {
            stream.add(GatewayReadings.heartRate(gateway, strap, at.plusSeconds(i), bpm[i]));
        }
        send(stream);

        assertThat(alerts(patient)).containsExactly("heart-rate warning " + stream.get(5).key());
    }

    @Test
    void overrides_throughTheAdminApi_applyAndAreAudited() throws Exception {
        String patient = fixtures.patient();
        String id = patient.substring("Patient/".length());
        DeviceIdentity oximeter = registered("OX", patient);
        HttpResponse<String> bad = admin.put("/admin/rules/tenants/test/patients/" + id,
                "{\"overrides\": {\"spo2\": {\"warning\": {\"below\": 88}}}}", "nurse.a");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("below");
        HttpResponse<String> ok = admin.put("/admin/rules/tenants/test/patients/" + id,
                "{\"overrides\": {\"spo2\": {\"warning\": {\"lt\": 88}, \"critical\": {\"lt\": 85}}}, "
                        + "\"conditions\": [\"copd\"]}", "nurse.a");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);

        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
        Reading normalForThem = spot(oximeter, at, MeasurementType.OXYGEN_SATURATION, "150456",
                value("150456", "89", "%"));
        Reading low = spot(oximeter, at.plusSeconds(10), MeasurementType.OXYGEN_SATURATION, "150456",
                value("150456", "84", "%"));
        send(List.of(normalForThem, low));

        assertThat(alerts(patient)).containsExactly("spo2 critical " + low.key());
        var audit = admin.get("/admin/rules/tenants/test/audit?patient=" + id);
        assertThat(audit).hasSize(1);
        assertThat(audit.get(0).get("by").asText()).isEqualTo("nurse.a");
        assertThat(audit.get(0).get("before").isNull()).isTrue();
        assertThat(audit.get(0).at("/after/overrides/spo2/critical/lt").asInt()).isEqualTo(85);
        assertThat(audit.get(0).at("/after/conditions/0").asText()).isEqualTo("copd");
    }

    @Test
    void heartFailureFromFhir_enablesWeightGain_againstTheLowestWeightOfTheDay() throws Exception {
        String failing = fixtures.patient();
        fixtures.condition(failing, "http://hl7.org/fhir/sid/icd-10-cm", "I50.22");
        String healthy = fixtures.patient();
        DeviceIdentity scale1 = registered("SCALE-HF", failing);
        DeviceIdentity scale2 = registered("SCALE-OK", healthy);
        Instant day = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(20));
        for (DeviceIdentity scale : List.of(scale1, scale2)) {
            send(List.of(GatewayReadings.weight(gateway, scale, day, "80.0"),
                    GatewayReadings.weight(gateway, scale, day.plus(Duration.ofHours(6)), "79.6"),
                    GatewayReadings.weight(gateway, scale, day.plus(Duration.ofHours(18)), "80.6")));
        }

        assertThat(alerts(failing)).singleElement().asString().startsWith("weight-gain-24h warning ");
        assertThat(alerts(healthy)).isEmpty();
    }

    @Test
    void noData_alertsOncePerSilence() throws Exception {
        String patient = fixtures.patient();
        DeviceIdentity thermometer = registered("THERMO", patient);
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
        send(List.of(spot(thermometer, at, MeasurementType.BODY_TEMPERATURE, "150364",
                value("150364", "36.8", "Cel"))));

        Instant later = at.plus(Duration.ofHours(73));
        noData.sweep(later);
        noData.sweep(later.plus(Duration.ofHours(2)));

        assertThat(alerts(patient)).containsExactly("no-data warning null");
    }

    private List<String> alerts(String patient) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT rule, severity, reading_key FROM alert "
                     + "WHERE patient = ? ORDER BY raised_at, rule")) {
            select.setString(1, patient.substring("Patient/".length()));
            List<String> found = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
                }
            }
            return found;
        }
    }

    private static ReadingValue value(String mdc, String value, String unit) {
        return new ReadingValue(mdc, null, new BigDecimal(value), unit);
    }

    private Reading spot(DeviceIdentity device, Instant at, MeasurementType type, String mdc, ReadingValue... values) {
        String deviceTime = at.toString();
        return new Reading(ReadingKey.of(gateway, device, null, deviceTime, at, mdc), type, mdc, null,
                List.of(values), device, null, deviceTime, at, at, null, ClockQuality.SYNCED,
                new Source(Transport.COAP, "/readings"), List.of());
    }
}
