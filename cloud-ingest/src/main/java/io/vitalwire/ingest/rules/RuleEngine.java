package io.vitalwire.ingest.rules;

import io.vitalwire.contract.ClockQuality;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingValue;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The alert rules: one reading (or a tick of the clock) at a time against a patient's profile and remembered state,
 * giving the alerts to send. Pure: no I/O and no clock of its own, so the live stage (state in PostgreSQL, locked
 * per patient) and the backtest ({@code rules replay}, state in memory) run exactly this code.
 *
 * <ul>
 *   <li>Values are compared in canonical units ({@link Measure}), unrounded.</li>
 *   <li>Spot measurements fire at once. Samples of continuous streams fire only when sustained: the configured
 *       number of samples in a row beyond a band, or beyond it for the configured time; the alert has the severity
 *       of the band that is sustained, and one critical alert when both become sustained with the same sample.</li>
 *   <li>Weight gain (patients with heart failure): the weight minus the lowest weight in the preceding 24 h / 7 days.</li>
 *   <li>Suppression, by measurement time: one alert per patient and rule within the window; a worse severity alerts
 *       again inside it; still abnormal after it alerts again. Compared with every alert of the rule around that
 *       time, so a late backlog measured hours ago neither repeats itself nor unlocks today's suppression.</li>
 *   <li>Late: arrived more than the configured time after it was measured; evaluated on its measurement time and
 *       marked.</li>
 *   <li>No data: a clock tick later than the configured silence after the patient's last measurement alerts once
 *       per silence — not again each hour while the patient stays silent (a deliberate exception to the general
 *       repeat, which would page a care team every hour about the same absence).</li>
 * </ul>
 */
public final class RuleEngine {

    private final RuleSettings settings;

    public RuleEngine(RuleSettings settings) {
        this.settings = settings;
    }

    public RuleSettings settings() {
        return settings;
    }

    /** Whether the reading is a sample of a continuous stream (judged sustained) rather than a spot measurement. */
    public boolean isContinuous(Reading reading) {
        return settings.continuousSources().contains(reading.source().ref());
    }

    /**
     * Evaluates one reading, updating {@code state}.
     *
     * @param arrivedAt when cloud-ingest received it (late marking)
     * @return the alerts to send, none when nothing is beyond a band or all are suppressed
     */
    public List<Alert> evaluate(PatientProfile patient, PatientRuleState state, Reading reading, Instant arrivedAt) {
        Instant at = reading.measuredAt();
        boolean late = isLate(reading, arrivedAt);
        boolean continuous = isContinuous(reading);
        List<Alert> alerts = new ArrayList<>();
        for (ReadingValue v : reading.values()) {
            Optional<Measure.Canonical> canonical = Measure.of(reading.type(), v);
            if (canonical.isEmpty()) {
                continue;
            }
            Measure.Canonical c = canonical.get();
            if (c.measure() == Measure.WEIGHT) {
                weighed(patient, state, reading, c, late, alerts);
                continue;
            }
            Rule rule = c.measure().rule();
            Optional<Severity> beyond = patient.thresholds().of(rule).classify(c.value());
            Severity severity = continuous ? sustained(state, rule, beyond, at) : beyond.orElse(null);
            if (severity != null) {
                fire(patient, state, rule, severity, at, reading.key(), late, v.value(), v.unit(), alerts);
            }
        }
        // A measurement is not newer than its arrival: a device clock running ahead must not hide a silence from no-data.
        state.measured(at.isAfter(arrivedAt) ? arrivedAt : at);
        return alerts;
    }

    /**
     * Whether the reading arrived more than {@link RuleSettings#late()} after it was measured. A device time no
     * synchronised clock vouches for ({@code uncorrected}) cannot prove a reading fresh: such a reading is also late
     * when the gateway received it that long before cloud-ingest did, so an hours-old value is never presented as new.
     */
    boolean isLate(Reading reading, Instant arrivedAt) {
        boolean late = Duration.between(reading.measuredAt(), arrivedAt).compareTo(settings.late()) > 0;
        if (reading.clockQuality() == ClockQuality.UNCORRECTED && reading.receivedAt() != null) {
            late |= Duration.between(reading.receivedAt(), arrivedAt).compareTo(settings.late()) > 0;
        }
        return late;
    }

    /** Evaluates the time-based rules at {@code now}: no-data. */
    public List<Alert> tick(PatientProfile patient, PatientRuleState state, Instant now) {
        Instant last = state.lastMeasuredAt();
        if (last == null || Duration.between(last, now).compareTo(settings.noDataAfter()) <= 0) {
            return List.of();
        }
        boolean alertedThisSilence = state.fired(Rule.NO_DATA).stream().anyMatch(f -> f.at().isAfter(last));
        if (alertedThisSilence) {
            return List.of();
        }
        state.fired(Rule.NO_DATA, new PatientRuleState.Fired(now, Severity.WARNING));
        return List.of(new Alert(patient.patient(), Rule.NO_DATA, Severity.WARNING, null, false, now, null, null));
    }

    private Severity sustained(PatientRuleState state, Rule rule, Optional<Severity> beyond, Instant at) {
        PatientRuleState.Run run = state.run(rule);
        if (run.lastAt() != null && Duration.between(run.lastAt(), at).abs().compareTo(settings.sustainedFor()) > 0) {
            run = PatientRuleState.Run.NONE;  // the sensor was off: a new run starts
        }
        boolean warning = beyond.isPresent();
        boolean critical = beyond.filter(s -> s == Severity.CRITICAL).isPresent();
        PatientRuleState.Run next = new PatientRuleState.Run(
                warning ? (run.warningSince() == null ? at : run.warningSince()) : null,
                warning ? run.warningSamples() + 1 : 0,
                critical ? (run.criticalSince() == null ? at : run.criticalSince()) : null,
                critical ? run.criticalSamples() + 1 : 0,
                at);
        state.run(rule, next);
        if (isSustained(next.criticalSince(), next.criticalSamples(), at)) {
            return Severity.CRITICAL;
        }
        return isSustained(next.warningSince(), next.warningSamples(), at) ? Severity.WARNING : null;
    }

    private boolean isSustained(Instant since, int samples, Instant at) {
        return samples >= settings.sustainedSamples()
                || since != null && Duration.between(since, at).compareTo(settings.sustainedFor()) >= 0;
    }

    private void weighed(PatientProfile patient, PatientRuleState state, Reading reading, Measure.Canonical c,
                         boolean late, List<Alert> alerts) {
        Instant at = reading.measuredAt();
        if (patient.has(Condition.HEART_FAILURE)) {
            gain(patient, state, Rule.WEIGHT_GAIN_24H, Duration.ofHours(24), reading, c, late, alerts);
            gain(patient, state, Rule.WEIGHT_GAIN_7D, Duration.ofDays(7), reading, c, late, alerts);
        }
        // Kept for every patient: a heart-failure diagnosis recorded later finds the week's history.
        state.weighed(new PatientRuleState.Weighing(at, c.value()), latest(state, at).minus(Duration.ofDays(8)));
    }

    private void gain(PatientProfile patient, PatientRuleState state, Rule rule, Duration window, Reading reading,
                      Measure.Canonical c, boolean late, List<Alert> alerts) {
        Instant at = reading.measuredAt();
        Instant from = at.minus(window);
        Optional<BigDecimal> lowest = state.weighings().stream()
                .filter(w -> !w.at().isBefore(from) && w.at().isBefore(at))
                .map(PatientRuleState.Weighing::kg)
                .min(BigDecimal::compareTo);
        if (lowest.isEmpty()) {
            return;
        }
        patient.thresholds().of(rule).classify(c.value().subtract(lowest.get())).ifPresent(severity ->
                fire(patient, state, rule, severity, at, reading.key(), late, c.original().value(),
                        c.original().unit(), alerts));
    }

    private static Instant latest(PatientRuleState state, Instant at) {
        Instant last = state.lastMeasuredAt();
        return last != null && last.isAfter(at) ? last : at;
    }

    private void fire(PatientProfile patient, PatientRuleState state, Rule rule, Severity severity, Instant at,
                      String readingKey, boolean late, BigDecimal value, String unit, List<Alert> alerts) {
        boolean suppressed = state.fired(rule).stream().anyMatch(f ->
                Duration.between(f.at(), at).abs().compareTo(settings.suppression()) < 0
                        && !severity.worseThan(f.severity()));
        if (suppressed) {
            return;
        }
        state.fired(rule, new PatientRuleState.Fired(at, severity));
        alerts.add(new Alert(patient.patient(), rule, severity, readingKey, late, at, value, unit));
    }
}
