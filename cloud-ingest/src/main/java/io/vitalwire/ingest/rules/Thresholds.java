package io.vitalwire.ingest.rules;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Each rule's bands, in canonical units: the product's defaults ({@code ../shared/notes/domain.md}, "Default alert
 * thresholds"), replaced per rule and severity by an organization's overrides and then a patient's.
 *
 * <p>Overrides are JSON, per rule id, per severity, operators {@code lt}/{@code le}/{@code gt}/{@code ge} with limits
 * in canonical units: {@code {"spo2": {"warning": {"lt": 88}, "critical": {"lt": 85}}}} (a COPD patient). Several
 * operators in one severity mean "any of them" ({@code {"gt": 110, "lt": 50}}); a severity set to {@code null} is
 * switched off; a severity not named keeps the level below's bands.
 */
public final class Thresholds {

    private static final Thresholds DEFAULTS = defaultBands();

    private final Map<Rule, RuleBands> bands;

    private Thresholds(Map<Rule, RuleBands> bands) {
        this.bands = Collections.unmodifiableMap(new EnumMap<>(bands));
    }

    public static Thresholds defaults() {
        return DEFAULTS;
    }

    private static Thresholds defaultBands() {
        Map<Rule, RuleBands> b = new EnumMap<>(Rule.class);
        b.put(Rule.SPO2, new RuleBands(Band.any(Comparison.lt("92")), Band.any(Comparison.lt("88"))));
        b.put(Rule.HEART_RATE, new RuleBands(Band.any(Comparison.gt("110"), Comparison.lt("50")),
                Band.any(Comparison.gt("130"), Comparison.lt("40"))));
        b.put(Rule.SYSTOLIC, new RuleBands(Band.any(Comparison.ge("160"), Comparison.lt("90")),
                Band.any(Comparison.ge("180"), Comparison.lt("80"))));
        b.put(Rule.DIASTOLIC, new RuleBands(Band.any(Comparison.ge("100")), Band.any(Comparison.ge("120"))));
        b.put(Rule.TEMPERATURE, new RuleBands(Band.any(Comparison.ge("38.0")),
                Band.any(Comparison.ge("39.5"), Comparison.lt("35.0"))));
        b.put(Rule.GLUCOSE, new RuleBands(Band.any(Comparison.lt("70"), Comparison.gt("250")),
                Band.any(Comparison.lt("54"), Comparison.gt("400"))));
        b.put(Rule.WEIGHT_GAIN_24H, new RuleBands(Band.any(Comparison.gt("0.9")), Band.OFF));
        b.put(Rule.WEIGHT_GAIN_7D, new RuleBands(Band.any(Comparison.gt("2.3")), Band.OFF));
        return new Thresholds(b);
    }

    public RuleBands of(Rule rule) {
        return bands.getOrDefault(rule, new RuleBands(Band.OFF, Band.OFF));
    }

    /**
     * These thresholds with {@code overrides} applied; {@code null} or an empty object changes nothing.
     *
     * @throws IllegalArgumentException naming the first thing wrong in the overrides (unknown rule, severity or
     *                                  operator, a limit that is not a number)
     */
    public Thresholds overriddenBy(JsonNode overrides) {
        if (overrides == null || overrides.isNull() || overrides.isEmpty()) {
            return this;
        }
        if (!overrides.isObject()) {
            throw new IllegalArgumentException("overrides must be an object of rule ids");
        }
        Map<Rule, RuleBands> next = new EnumMap<>(bands);
        for (Iterator<Map.Entry<String, JsonNode>> rules = overrides.fields(); rules.hasNext(); ) {
            Map.Entry<String, JsonNode> r = rules.next();
            Rule rule = Rule.of(r.getKey());
            if (rule == Rule.NO_DATA) {
                throw new IllegalArgumentException("no-data has no bands (its silence is configured)");
            }
            if (!r.getValue().isObject()) {
                throw new IllegalArgumentException(r.getKey() + ": expected an object of severities");
            }
            RuleBands ruleBands = of(rule);
            for (Iterator<Map.Entry<String, JsonNode>> severities = r.getValue().fields(); severities.hasNext(); ) {
                Map.Entry<String, JsonNode> s = severities.next();
                ruleBands = ruleBands.with(Severity.of(s.getKey()), band(r.getKey() + "." + s.getKey(), s.getValue()));
            }
            next.put(rule, ruleBands);
        }
        return new Thresholds(next);
    }

    private static Band band(String where, JsonNode node) {
        if (node.isNull()) {
            return Band.OFF;
        }
        if (!node.isObject() || node.isEmpty()) {
            throw new IllegalArgumentException(where + ": expected {\"lt\"|\"le\"|\"gt\"|\"ge\": limit, …} or null");
        }
        List<Comparison> limits = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> ops = node.fields(); ops.hasNext(); ) {
            Map.Entry<String, JsonNode> op = ops.next();
            if (!op.getValue().isNumber()) {
                throw new IllegalArgumentException(where + "." + op.getKey() + ": the limit must be a number");
            }
            limits.add(new Comparison(Comparison.Op.of(op.getKey()), op.getValue().decimalValue()));
        }
        return new Band(limits);
    }
}
