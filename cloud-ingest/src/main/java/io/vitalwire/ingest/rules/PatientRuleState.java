package io.vitalwire.ingest.rules;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the rules remember about one patient between readings: the runs of stream samples beyond a band, the alerts
 * that suppress repeats, the weighings of the last week, and when the patient last measured anything. Kept per
 * patient in PostgreSQL (as JSON) and shared by every replica; the backtest keeps it in memory. Bounded: runs per
 * rule, at most {@value #MAX_ALERTS} alerts per rule and {@value #MAX_WEIGHINGS} weighings.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public final class PatientRuleState {

    static final int MAX_ALERTS = 64;
    static final int MAX_WEIGHINGS = 512;

    /**
     * A run of consecutive stream samples beyond a rule's bands.
     *
     * @param warningSince    first sample of the run beyond the warning band (or the critical one), {@code null}: none
     * @param warningSamples  samples in that run
     * @param criticalSince   first sample of the run beyond the critical band
     * @param criticalSamples samples in that run
     * @param lastAt          the latest sample's time: a gap longer than the sustained duration ends a run
     */
    public record Run(Instant warningSince, int warningSamples, Instant criticalSince, int criticalSamples,
                      Instant lastAt) {

        static final Run NONE = new Run(null, 0, null, 0, null);
    }

    /** An alert that fired, by its measurement time (or the clock's, for no-data). */
    public record Fired(Instant at, Severity severity) {
    }

    /** One weighing, canonical kg. */
    public record Weighing(Instant at, BigDecimal kg) {
    }

    @JsonProperty
    private Map<Rule, Run> runs = new HashMap<>();
    @JsonProperty
    private Map<Rule, List<Fired>> fired = new HashMap<>();
    @JsonProperty
    private List<Weighing> weighings = new ArrayList<>();
    @JsonProperty
    private Instant lastMeasuredAt;

    Run run(Rule rule) {
        return runs.getOrDefault(rule, Run.NONE);
    }

    void run(Rule rule, Run run) {
        runs.put(rule, run);
    }

    List<Fired> fired(Rule rule) {
        return fired.getOrDefault(rule, List.of());
    }

    void fired(Rule rule, Fired alert) {
        List<Fired> list = new ArrayList<>(fired(rule));
        list.add(alert);
        list.sort(Comparator.comparing(Fired::at));
        while (list.size() > MAX_ALERTS) {
            list.remove(0);
        }
        fired.put(rule, list);
    }

    List<Weighing> weighings() {
        return weighings;
    }

    void weighed(Weighing w, Instant keepFrom) {
        weighings.add(w);
        weighings.removeIf(x -> x.at().isBefore(keepFrom));
        weighings.sort(Comparator.comparing(Weighing::at));
        while (weighings.size() > MAX_WEIGHINGS) {
            weighings.remove(0);
        }
    }

    /** When the patient last measured anything; {@code null} before the first reading. */
    public Instant lastMeasuredAt() {
        return lastMeasuredAt;
    }

    void measured(Instant at) {
        if (lastMeasuredAt == null || at.isAfter(lastMeasuredAt)) {
            lastMeasuredAt = at;
        }
    }
}
