package io.vitalwire.ingest.rules.backtest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ContractViolation;
import io.vitalwire.contract.Reading;
import io.vitalwire.ingest.rules.Alert;
import io.vitalwire.ingest.rules.Condition;
import io.vitalwire.ingest.rules.PatientProfile;
import io.vitalwire.ingest.rules.PatientRuleState;
import io.vitalwire.ingest.rules.RuleEngine;
import io.vitalwire.ingest.rules.Thresholds;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the live path's {@link RuleEngine} over a recorded stream, one JSON object per line, in the order given, with
 * each patient's state in memory; prints each alert as one JSON object per line. Input lines:
 *
 * <ul>
 *   <li>a patient: {@code {"patient": {"id": "p1", "conditions": ["heart-failure"], "overrides": {…}}}}
 *       ({@code conditions} and {@code overrides} may be absent or null; declaring a patient again replaces its
 *       profile and keeps its state);</li>
 *   <li>a reading: {@code {"patient": "p1", "arrivedAt": "…", "reading": {…a contract reading…}}} ({@code arrivedAt}
 *       defaults to the reading's {@code measuredAt});</li>
 *   <li>a clock tick: {@code {"now": "…"}}: the time-based rules (no-data) evaluate every declared patient up to it.</li>
 * </ul>
 * Empty lines and lines starting with {@code #} are skipped. A bad line is reported on the error stream with its
 * number and skipped; the run goes on, and {@link #run} reports that it saw one.
 */
public final class Backtest {

    private final ObjectMapper json = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();
    private final ContractCodec codec = new ContractCodec();
    private final RuleEngine engine;
    private final Map<String, PatientProfile> patients = new LinkedHashMap<>();
    private final Map<String, PatientRuleState> states = new LinkedHashMap<>();

    public Backtest(RuleEngine engine) {
        this.engine = engine;
    }

    /**
     * Reads every line, writing alerts to {@code out} and bad lines to {@code err}.
     *
     * @return whether every line was good
     */
    public boolean run(BufferedReader in, PrintStream out, PrintStream err) throws IOException {
        boolean good = true;
        int number = 0;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            number++;
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            try {
                for (Alert alert : line(text)) {
                    out.println(json.writeValueAsString(output(alert)));
                }
            } catch (BadLine e) {
                good = false;
                err.println("line " + number + ": " + e.getMessage());
            }
        }
        out.flush();
        return good;
    }

    /** The alerts one line gives. */
    List<Alert> line(String text) throws BadLine {
        JsonNode node;
        try {
            node = json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new BadLine("not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new BadLine("expected a JSON object");
        }
        if (node.has("now")) {
            Instant now = instant(node.get("now"), "now");
            List<Alert> alerts = new ArrayList<>();
            patients.forEach((id, profile) -> alerts.addAll(engine.tick(profile, states.get(id), now)));
            return alerts;
        }
        JsonNode patient = node.get("patient");
        if (patient != null && patient.isObject()) {
            declare(patient);
            return List.of();
        }
        if (patient != null && patient.isTextual()) {
            return reading(patient.asText(), node);
        }
        throw new BadLine("expected a patient, a reading or a clock tick (\"now\")");
    }

    private void declare(JsonNode patient) throws BadLine {
        JsonNode id = patient.get("id");
        if (id == null || !id.isTextual() || id.asText().isBlank()) {
            throw new BadLine("a patient needs an \"id\"");
        }
        Set<Condition> conditions = new HashSet<>();
        JsonNode list = patient.get("conditions");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw new BadLine("\"conditions\" must be an array");
            }
            for (JsonNode c : list) {
                try {
                    conditions.add(Condition.of(c.asText()));
                } catch (IllegalArgumentException e) {
                    throw new BadLine(e.getMessage());
                }
            }
        }
        Thresholds thresholds;
        try {
            thresholds = Thresholds.defaults().overriddenBy(patient.get("overrides"));
        } catch (IllegalArgumentException e) {
            throw new BadLine("overrides: " + e.getMessage());
        }
        patients.put(id.asText(), new PatientProfile(id.asText(), conditions, thresholds));
        states.putIfAbsent(id.asText(), new PatientRuleState());
    }

    private List<Alert> reading(String patient, JsonNode node) throws BadLine {
        PatientProfile profile = patients.get(patient);
        if (profile == null) {
            throw new BadLine("patient '" + patient + "' is not declared before its readings");
        }
        JsonNode readingNode = node.get("reading");
        if (readingNode == null || !readingNode.isObject()) {
            throw new BadLine("a reading line needs a \"reading\" object");
        }
        Reading reading;
        try {
            reading = codec.decodeReading(json.writeValueAsString(readingNode).getBytes(StandardCharsets.UTF_8));
        } catch (ContractViolation v) {
            throw new BadLine("reading: " + v.getMessage());
        } catch (JsonProcessingException e) {
            throw new BadLine("reading: " + e.getOriginalMessage());
        }
        JsonNode arrived = node.get("arrivedAt");
        Instant arrivedAt = arrived == null || arrived.isNull() ? reading.measuredAt() : instant(arrived, "arrivedAt");
        return engine.evaluate(profile, states.get(patient), reading, arrivedAt);
    }

    private static Instant instant(JsonNode node, String field) throws BadLine {
        try {
            return Instant.parse(node.asText());
        } catch (DateTimeParseException e) {
            throw new BadLine("\"" + field + "\" is not an ISO instant: " + node.asText());
        }
    }

    private ObjectNode output(Alert a) {
        ObjectNode o = json.createObjectNode();
        o.put("patient", a.patient());
        o.put("rule", a.rule().id());
        o.put("severity", a.severity().id());
        o.put("readingKey", a.readingKey());
        o.put("late", a.late());
        o.put("measuredAt", a.measuredAt() == null ? null : a.measuredAt().toString());
        o.put("value", a.value());
        o.put("unit", a.unit());
        return o;
    }

    /** A line the backtest cannot read; the message says why. */
    static final class BadLine extends Exception {
        BadLine(String message) {
            super(message);
        }
    }
}
