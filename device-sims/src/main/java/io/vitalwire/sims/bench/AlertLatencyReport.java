package io.vitalwire.sims.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The alert latency benchmark's figures: per round, medians of rounds, and where the time went. */
final class AlertLatencyReport {

    /** One phase: its alerts timed end to end, and the broker round trips of the same messages (ms). */
    record Phase(List<AlertTimings.Timed> alerts, List<Double> roundTrips) {

        List<Double> latencies() {
            return alerts.stream().map(AlertTimings.Timed::millis).toList();
        }

        double p(double p) {
            return Percentiles.of(latencies(), p);
        }

        double baseline(double p) {
            return Percentiles.of(roundTrips, p);
        }
    }

    private AlertLatencyReport() {
    }

    static void round(int round, String what, Phase phase) {
        System.out.printf("round %d %-4s  alert p50 %8.1f ms  p99 %8.1f ms | broker round trip p50 %6.2f ms  p99 "
                        + "%6.2f ms (%d messages) | ratio p50 %6.0f×  p99 %6.0f×%n", round, what, phase.p(0.5),
                phase.p(0.99), phase.baseline(0.5), phase.baseline(0.99), phase.roundTrips().size(),
                phase.p(0.5) / phase.baseline(0.5), phase.p(0.99) / phase.baseline(0.99));
    }

    /** @return the median of the rounds' p99 */
    static double summary(String what, List<Phase> phases) {
        double p99 = Percentiles.median(phases.stream().map(p -> p.p(0.99)).toList());
        List<Double> all = phases.stream().flatMap(p -> p.latencies().stream()).toList();
        System.out.printf("  %-10s median of rounds: alert p50 %.0f ms, p99 %.0f ms | broker round trip p50 %.2f ms, "
                        + "p99 %.2f ms | ratio p50 %.0f×, p99 %.0f× | all %d alerts: p50 %.0f ms, p99 %.0f ms, "
                        + "max %.0f ms%n", what,
                Percentiles.median(phases.stream().map(p -> p.p(0.5)).toList()), p99,
                Percentiles.median(phases.stream().map(p -> p.baseline(0.5)).toList()),
                Percentiles.median(phases.stream().map(p -> p.baseline(0.99)).toList()),
                Percentiles.median(phases.stream().map(p -> p.p(0.5) / p.baseline(0.5)).toList()),
                Percentiles.median(phases.stream().map(p -> p.p(0.99) / p.baseline(0.99)).toList()),
                all.size(), Percentiles.of(all, 0.5), Percentiles.of(all, 0.99), Percentiles.of(all, 1.0));
        return p99;
    }

    /**
     * Where the time went, from cloud-ingest's own records (same machine, same clock): 2.04 → the reading in the
     * inbox (gateway buffer, uplink, broker, consumer's commit); → the alert decided (resolve and rules stages);
     * → the webhook verified (outbox wake-up, claim, signing, HTTP).
     */
    static void breakdown(String what, List<Phase> phases, Connection sql) throws SQLException {
        List<Double> inbox = new ArrayList<>();
        List<Double> decided = new ArrayList<>();
        List<Double> sent = new ArrayList<>();
        try (PreparedStatement q = sql.prepareStatement("SELECT extract(epoch FROM i.received_at) * 1000, "
                + "extract(epoch FROM a.raised_at) * 1000 FROM alert a JOIN inbox i ON i.reading_key = a.reading_key "
                + "WHERE a.reading_key = ?")) {
            for (Phase phase : phases) {
                for (AlertTimings.Timed t : phase.alerts()) {
                    q.setString(1, t.readingKey());
                    try (ResultSet rs = q.executeQuery()) {
                        if (!rs.next()) {
                            throw new IllegalStateException("no alert row for " + t.readingKey());
                        }
                        inbox.add(rs.getDouble(1) - t.sample().acceptedMillis());
                        decided.add(rs.getDouble(2) - rs.getDouble(1));
                        sent.add(t.webhook().arrivedMillis() - rs.getDouble(2));
                    }
                }
            }
        }
        System.out.printf("  %-10s where the time went, p50 / p99 of all alerts: 2.04 → inbox %.0f / %.0f ms, "
                        + "inbox → alert decided %.0f / %.0f ms, decided → webhook verified %.0f / %.0f ms%n", what,
                Percentiles.of(inbox, 0.5), Percentiles.of(inbox, 0.99), Percentiles.of(decided, 0.5),
                Percentiles.of(decided, 0.99), Percentiles.of(sent, 0.5), Percentiles.of(sent, 0.99));
    }
}
