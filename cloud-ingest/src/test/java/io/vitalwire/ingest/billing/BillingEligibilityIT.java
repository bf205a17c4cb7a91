package io.vitalwire.ingest.billing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.Reading;
import io.vitalwire.ingest.testing.StackTest;
import io.vitalwire.testing.GatewayReadings;
import io.vitalwire.testing.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The clinic's RPM billing report, {@code GET /admin/billing/eligibility}, over real HTTP, fed by readings taken
 * through the whole pipeline (resolve against the dev FHIR server, committed with the reading-days tally) on the dev
 * stack's PostgreSQL, with CPT 99454 (16+ days) and 99445 (2–15 days) configured. Each test works in its own 30-day
 * period so that they do not see each other's patients. Checked: days in each patient's own zone — one UTC instant on
 * different dates in Los Angeles and Berlin, readings either side of local midnight two days; the organization's zone
 * for a patient without one; a backlog arriving days late counts for its measurement day; 15 days meet 99445 and not
 * 99454, 16 the reverse, readings outside the period and a second reading of a day do not count; the code filter,
 * pages, CSV by Accept and by format; 400s, 401 without a token, 403 for a role that may not.
 */
@MicronautTest
class BillingEligibilityIT extends StackTest {

    private static final ZoneId LOS_ANGELES = ZoneId.of("America/Los_Angeles");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final LocalDate today = LocalDate.now(ZoneOffset.UTC);

    BillingEligibilityIT() {
        super("gw-billing");
    }

    @Override
    protected Map<String, String> overrides() {
        return Map.of("vitalwire.ingest.billing.codes.99445.min-days", "2",
                "vitalwire.ingest.billing.codes.99445.max-days", "15");
    }

    @Test
    void daysAreCountedInEachPatientsZone_oneUtcInstantOnTwoDates_andEitherSideOfMidnightTwoDays() throws Exception {
        LocalDate d = today.minusDays(60);
        String la = id(fixtures.patient());
        String berlin = id(fixtures.patient());
        zone(la, "America/Los_Angeles");
        zone(berlin, "Europe/Berlin");
        DeviceIdentity laScale = registered("SCALE-LA", "Patient/" + la);
        DeviceIdentity berlinScale = registered("SCALE-BER", "Patient/" + berlin);

        Instant sameInstant = d.atTime(23, 30).toInstant(ZoneOffset.UTC);
        send(List.of(
                weight(laScale, sameInstant),
                weight(berlinScale, sameInstant),
                weight(laScale, local(d, 23, 55, LOS_ANGELES)),
                weight(laScale, local(d.plusDays(1), 0, 5, LOS_ANGELES)),
                weight(berlinScale, local(d.plusDays(1), 23, 50, BERLIN)),
                weight(berlinScale, local(d.plusDays(2), 0, 10, BERLIN))));

        JsonNode report = admin.get(eligibility("periodEnd=" + d.plusDays(10)));
        assertThat(report.get("periodStart").asText()).isEqualTo(d.minusDays(19).toString());
        JsonNode laPeriod = patient(report, la);
        assertThat(texts(laPeriod.get("dates"))).as("23:30Z is 15:30 or 16:30 the same day in Los Angeles")
                .containsExactly(d.toString(), d.plusDays(1).toString());
        assertThat(laPeriod.get("zone").asText()).isEqualTo("America/Los_Angeles");
        assertThat(texts(laPeriod.get("countedInZones"))).containsExactly("America/Los_Angeles");
        JsonNode berlinPeriod = patient(report, berlin);
        assertThat(texts(berlinPeriod.get("dates"))).as("23:30Z is past midnight in Berlin")
                .containsExactly(d.plusDays(1).toString(), d.plusDays(2).toString());
        assertThat(berlinPeriod.get("daysWithReadings").asInt()).isEqualTo(2);
        assertThat(texts(berlinPeriod.get("meets"))).containsExactly("99445");
        assertThat(admin.get("/admin/billing/tenants/" + TENANT + "/patients/" + berlin + "/time-zone")
                .get("updatedBy").asText()).isEqualTo("carla");
    }

    @Test
    void aBacklogArrivingDaysLate_countsForItsMeasurementDay_inTheOrganizationsZone() throws Exception {
        String patient = id(fixtures.patient());
        DeviceIdentity cuff = registered("SCALE-LATE", "Patient/" + patient);
        LocalDate measured = today.minusDays(5);
        assertThat(admin.putAs("/admin/billing/tenants/" + TENANT + "/time-zone",
                "{\"zone\":\"America/Chicago\"}", TestTokens.shared().bearer("olga", "operator")).statusCode())
                .isEqualTo(200);
        String period = "periodEnd=" + today;
        assertThat(admin.get(eligibility(period)).get("patients").findValues("patient")).extracting(JsonNode::asText)
                .doesNotContain(patient);

        // Measured five days ago at 03:00 UTC (the evening before in Chicago), delivered only now.
        send(List.of(weight(cuff, measured.atTime(3, 0).toInstant(ZoneOffset.UTC))));

        JsonNode period1 = patient(admin.get(eligibility(period)), patient);
        assertThat(texts(period1.get("dates"))).containsExactly(measured.minusDays(1).toString());
        assertThat(period1.get("zone").asText()).isEqualTo("America/Chicago");
    }

    @Test
    void fifteenDaysMeet99445_sixteenMeet99454_onlyDaysInThePeriodCount_asJsonAndCsv() throws Exception {
        LocalDate start = today.minusDays(45);
        LocalDate end = start.plusDays(29);
        String fifteen = id(fixtures.patient());
        String sixteen = id(fixtures.patient());
        zone(fifteen, "UTC");
        zone(sixteen, "UTC");
        DeviceIdentity a = registered("SCALE-15", "Patient/" + fifteen);
        DeviceIdentity b = registered("SCALE-16", "Patient/" + sixteen);
        List<Reading> readings = new ArrayList<>();
        readings.add(weight(a, start.minusDays(1).atTime(12, 0).toInstant(ZoneOffset.UTC)));
        readings.add(weight(a, end.plusDays(1).atTime(12, 0).toInstant(ZoneOffset.UTC)));
        for (int i = 0; i < 15; i++) {
            readings.add(weight(a, start.plusDays(i * 2L).atTime(12, 0).toInstant(ZoneOffset.UTC)));
        }
        for (int i = 0; i < 16; i++) {
            readings.add(weight(b, end.minusDays(i).atTime(12, 0).toInstant(ZoneOffset.UTC)));
        }
        readings.add(weight(b, end.atTime(13, 0).toInstant(ZoneOffset.UTC)));
        send(readings);

        JsonNode report = admin.get(eligibility("periodStart=" + start));
        assertThat(report.get("periodEnd").asText()).isEqualTo(end.toString());
        assertThat(report.get("codes").findValues("code")).extracting(JsonNode::asText)
                .containsExactly("99445", "99454");
        assertThat(patient(report, fifteen).get("daysWithReadings").asInt()).isEqualTo(15);
        assertThat(texts(patient(report, fifteen).get("meets"))).containsExactly("99445");
        assertThat(patient(report, sixteen).get("daysWithReadings").asInt()).isEqualTo(16);
        assertThat(texts(patient(report, sixteen).get("meets"))).containsExactly("99454");
        assertThat(patients(admin.get(eligibility("periodStart=" + start + "&code=99454")))).containsExactly(sixteen);
        assertThat(patients(admin.get(eligibility("periodStart=" + start + "&code=99445")))).containsExactly(fifteen);
        assertThat(patients(admin.get(eligibility("periodStart=" + start.plusDays(1)))))
                .as("a period a day later: one of the fifteen days left, the 31st day's reading came in")
                .containsExactlyInAnyOrder(fifteen, sixteen);
        assertThat(patient(admin.get(eligibility("periodStart=" + start.plusDays(1))), fifteen)
                .get("daysWithReadings").asInt()).isEqualTo(15);

        List<String> byId = List.of(fifteen, sixteen).stream().sorted().toList();
        HttpResponse<String> first = get(eligibility("periodStart=" + start + "&limit=1"),
                TestTokens.shared().admin(), null);
        JsonNode firstPage = json.readTree(first.body());
        assertThat(patients(firstPage)).containsExactly(byId.get(0));
        assertThat(firstPage.get("next").asText()).isEqualTo(byId.get(0));
        assertThat(first.headers().firstValue("Link").orElseThrow()).contains("after=" + byId.get(0));
        JsonNode secondPage = admin.get(eligibility("periodStart=" + start + "&limit=1&after=" + byId.get(0)));
        assertThat(patients(secondPage)).containsExactly(byId.get(1));
        assertThat(secondPage.get("next").isNull()).isTrue();

        HttpResponse<String> byAccept = get(eligibility("periodStart=" + start + "&code=99454"),
                TestTokens.shared().bearer("bea", "clinical-admin"), "text/csv");
        assertThat(byAccept.statusCode()).isEqualTo(200);
        assertThat(byAccept.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
        String[] lines = byAccept.body().split("\r\n");
        assertThat(lines[0]).isEqualTo("tenant,patient,period_start,period_end,days_with_readings,meets_99445,"
                + "meets_99454,time_zone,counted_in_zones,dates");
        assertThat(lines).hasSize(2);
        assertThat(lines[1]).startsWith(TENANT + "," + sixteen + "," + start + "," + end + ",16,false,true,UTC,UTC,"
                + end.minusDays(15));
        HttpResponse<String> byFormat = get(eligibility("periodStart=" + start + "&format=csv"),
                TestTokens.shared().admin(), null);
        assertThat(byFormat.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
        assertThat(byFormat.body().split("\r\n")).hasSize(3);
    }

    @Test
    void refusals_badParameters400_noToken401_wrongRole403() throws Exception {
        assertThat(admin.status("/admin/billing/eligibility?tenant=" + TENANT)).as("no period").isEqualTo(400);
        assertThat(admin.status(eligibility("periodStart=2026-01-01&periodEnd=2026-01-30"))).isEqualTo(400);
        assertThat(admin.status(eligibility("periodEnd=2026-13-01"))).isEqualTo(400);
        assertThat(admin.status(eligibility("periodEnd=2026-01-30&code=99999"))).isEqualTo(400);
        assertThat(admin.status(eligibility("periodEnd=2026-01-30&limit=50001"))).isEqualTo(400);
        assertThat(admin.status("/admin/billing/eligibility?periodEnd=2026-01-30")).as("no tenant").isEqualTo(400);

        assertThat(get(eligibility("periodEnd=2026-01-30"), null, null).statusCode()).isEqualTo(401);
        assertThat(get(eligibility("periodEnd=2026-01-30"), TestTokens.shared().bearer("prom", "metrics"), null)
                .statusCode()).isEqualTo(403);
        assertThat(get(eligibility("periodEnd=2026-01-30"), TestTokens.shared().bearer("ann", "auditor"), null)
                .statusCode()).isEqualTo(200);

        String zonePath = "/admin/billing/tenants/" + TENANT + "/patients/p-refused/time-zone";
        assertThat(admin.putAs(zonePath, "{\"zone\":\"Europe/Berlin\"}", TestTokens.shared().bearer("ann", "auditor"))
                .statusCode()).isEqualTo(403);
        assertThat(admin.putAs(zonePath, "{\"zone\":\"Europe/Berlin\"}", null).statusCode()).isEqualTo(401);
        for (String bad : List.of("PST", "+01:00", "UTC+1", "Mars/Olympus_Mons", "")) {
            assertThat(admin.putAs(zonePath, "{\"zone\":\"" + bad + "\"}",
                    TestTokens.shared().bearer("carla", "clinical-admin")).statusCode()).as(bad).isEqualTo(400);
        }
        assertThat(admin.status(zonePath)).as("none set").isEqualTo(404);
    }

    private String eligibility(String period) {
        return "/admin/billing/eligibility?tenant=" + TENANT + "&" + period;
    }

    private void zone(String patient, String zone) throws Exception {
        assertThat(admin.putAs("/admin/billing/tenants/" + TENANT + "/patients/" + patient + "/time-zone",
                "{\"zone\":\"" + zone + "\"}", TestTokens.shared().bearer("carla", "clinical-admin")).statusCode())
                .isEqualTo(200);
    }

    private Reading weight(DeviceIdentity scale, Instant at) {
        return GatewayReadings.weight(gateway, scale, at, "72.5");
    }

    private static Instant local(LocalDate date, int hour, int minute, ZoneId zone) {
        return ZonedDateTime.of(date, LocalTime.of(hour, minute), zone).toInstant();
    }

    private static String id(String reference) {
        return reference.substring(reference.indexOf('/') + 1);
    }

    private static JsonNode patient(JsonNode report, String patient) {
        for (JsonNode p : report.get("patients")) {
            if (p.get("patient").asText().equals(patient)) {
                return p;
            }
        }
        throw new AssertionError("patient " + patient + " not in " + report);
    }

    private static List<String> patients(JsonNode report) {
        return texts(report.get("patients").findValues("patient"));
    }

    private static List<String> texts(Iterable<JsonNode> nodes) {
        List<String> t = new ArrayList<>();
        nodes.forEach(n -> t.add(n.asText()));
        return t;
    }

    private HttpResponse<String> get(String path, String authorization, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.getURL() + path)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (accept != null) {
            request.header("Accept", accept);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
