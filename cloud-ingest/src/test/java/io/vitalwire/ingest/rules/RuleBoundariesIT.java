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
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Every boundary of every default band in every unit ({@code rules/boundaries.csv}, the table RuleEngineTest checks
 * on the engine alone), through the running pipeline on the dev stack: each case one spot reading of one patient,
 * handed to ingest as the consumer would, resolved through FHIR, evaluated by the {@code rules} stage. Suppression is
 * shortened to a second and the readings are measured a minute apart, so every case stands alone. Asserted from the
 * {@code alert} table: the rule and severity of each firing case on its own reading, and no alert for the others.
 */
@MicronautTest
class RuleBoundariesIT extends StackTest {

    @Inject
    DataSource dataSource;

    RuleBoundariesIT() {
        super("gw-bounds");
    }

    @Override
    protected Map<String, String> overrides() {
        return Map.of("vitalwire.ingest.rules.suppression", "1s");
    }

    private record Case(String rule, String value, String unit, String expected) {

        String ruleId() {
            return rule.equals("pulse-rate") ? "heart-rate" : rule;
        }

        @Override
        public String toString() {
            return rule + " " + value + " " + unit + " → " + expected;
        }
    }

    @Test
    void everyBoundaryInEveryUnit_firesOrNotAsTheDefaultsSay() throws Exception {
        List<Case> cases = cases();
        Map<String, DeviceIdentity> devices = new HashMap<>();
        Map<String, String> patients = new HashMap<>();
        Map<Case, Reading> readings = new LinkedHashMap<>();
        // One patient per rule, so that a rule's cases meet only its own state; a minute apart, oldest first.
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(cases.size() + 1, ChronoUnit.MINUTES);
        for (Case c : cases) {
            String patient = patients.computeIfAbsent(c.ruleId(), r -> fixtures.patient());
            DeviceIdentity device = devices.computeIfAbsent(c.ruleId(), r -> registered(r.toUpperCase(), patient));
            at = at.plus(1, ChronoUnit.MINUTES);
            readings.put(c, reading(device, c, at));
        }
        send(List.copyOf(readings.values()));

        Map<String, String> alerts = alertsByReading();
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<Case, Reading> e : readings.entrySet()) {
            Case c = e.getKey();
            String expected = c.expected().equals("-") ? null : c.ruleId() + " " + c.expected();
            String found = alerts.get(e.getValue().key());
            if (!Objects.equals(expected, found)) {
                wrong.add(c + " gave " + (found == null ? "no alert" : found));
            }
        }
        assertThat(wrong).as("cases the running pipeline got wrong").isEmpty();
        assertThat(alerts).as("alerts, one per firing case")
                .hasSize((int) cases.stream().filter(c -> !c.expected().equals("-")).count());
    }

    private static List<Case> cases() throws IOException {
        List<Case> cases = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                RuleBoundariesIT.class.getResourceAsStream("/rules/boundaries.csv"), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split(",");
                cases.add(new Case(f[0].trim(), f[1].trim(), f[2].trim(), f[3].trim()));
            }
        }
        assertThat(cases).as("the shared table").hasSizeGreaterThan(50);
        return cases;
    }

    /**
     * The case's value as a device sends it. Blood pressure is one reading of systolic, diastolic and mean: the other
     * pressure is a normal one in the same unit (systolic 120 mmHg or 16.0 kPa, diastolic 60 mmHg or 8.0 kPa).
     */
    private Reading reading(DeviceIdentity device, Case c, Instant at) {
        boolean kpa = c.unit().equals("kPa");
        return switch (c.rule()) {
            case "systolic" -> bloodPressure(device, at, c.value(), kpa ? "8.0" : "60", c.unit());
            case "diastolic" -> bloodPressure(device, at, kpa ? "16.0" : "120", c.value(), c.unit());
            case "spo2" -> spot(device, at, MeasurementType.OXYGEN_SATURATION, "150456", c);
            case "heart-rate" -> spot(device, at, MeasurementType.HEART_RATE, "147842", c);
            case "pulse-rate" -> spot(device, at, MeasurementType.PULSE_RATE, "149530", c);
            case "temperature" -> spot(device, at, MeasurementType.BODY_TEMPERATURE, "150364", c);
            case "glucose" -> spot(device, at, MeasurementType.BLOOD_GLUCOSE, "160184", c);
            default -> throw new IllegalArgumentException("no reading for rule " + c.rule());
        };
    }

    private Reading spot(DeviceIdentity device, Instant at, MeasurementType type, String mdc, Case c) {
        return reading(device, at, type, mdc, new ReadingValue(mdc, null, new BigDecimal(c.value()), c.unit()));
    }

    private Reading bloodPressure(DeviceIdentity device, Instant at, String systolic, String diastolic,
                                  String unit) {
        return reading(device, at, MeasurementType.BLOOD_PRESSURE, "150020",
                new ReadingValue("150021", null, new BigDecimal(systolic), unit),
                new ReadingValue("150022", null, new BigDecimal(diastolic), unit));
    }

    private Reading reading(DeviceIdentity device, Instant at, MeasurementType type, String mdc,
                            ReadingValue... values) {
        String deviceTime = at.toString();
        return new Reading(ReadingKey.of(gateway, device, null, deviceTime, at, mdc), type, mdc, null,
                List.of(values), device, null, deviceTime, at, at, null, ClockQuality.SYNCED,
                new Source(Transport.COAP, "/readings"), List.of());
    }

    /** "rule severity" of each alert of this run, by the reading that fired it. */
    private Map<String, String> alertsByReading() throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT reading_key, rule, severity FROM alert "
                     + "WHERE gateway = ?")) {
            select.setString(1, gateway);
            Map<String, String> found = new HashMap<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    String before = found.put(rs.getString(1), rs.getString(2) + " " + rs.getString(3));
                    assertThat(before).as("a second alert on reading " + rs.getString(1)).isNull();
                }
            }
            return found;
        }
    }
}
