package io.vitalwire.ingest.bench;

import java.util.Arrays;

/**
 * Rounds of our path and its baseline, back to back in each round, each printed as it finishes; summarised by the
 * medians with their min–max and by the median of the rounds' ratios. The ratio of a round holds while a shared
 * machine's load drifts between rounds, so that is the ratio reported. Which path goes first alternates: the server
 * under test keeps working after a round's writes (InfluxDB snapshots its cache, PostgreSQL vacuums), and with one
 * fixed order that work would always fall on the same path.
 */
final class Rounds {

    /** One path's rate in a round (numbered from 0). */
    interface Path {
        double rate(int round) throws Exception;
    }

    private final double[] ours;
    private final double[] baseline;
    private final String unit;

    private Rounds(double[] ours, double[] baseline, String unit) {
        this.ours = ours;
        this.baseline = baseline;
        this.unit = unit;
    }

    /** @param unit how a rate prints, e.g. {@code "%,.0f readings/s"} */
    static Rounds run(int count, String unit, Path ours, Path baseline) throws Exception {
        double[] o = new double[count];
        double[] b = new double[count];
        for (int round = 0; round < count; round++) {
            if (round % 2 == 0) {
                o[round] = ours.rate(round);
                b[round] = baseline.rate(round);
            } else {
                b[round] = baseline.rate(round);
                o[round] = ours.rate(round);
            }
            System.out.printf("round %d: ours " + unit + "   baseline " + unit + "   ratio %.3f%n", round + 1, o[round],
                    b[round], o[round] / b[round]);
        }
        return new Rounds(o, b, unit);
    }

    void print(String oursLabel, String baselineLabel) {
        System.out.printf("  %-50s " + unit + " (%s)%n", baselineLabel + " (baseline)", median(baseline),
                range(baseline));
        double[] ratios = new double[ours.length];
        for (int i = 0; i < ours.length; i++) {
            ratios[i] = ours[i] / baseline[i];
        }
        System.out.printf("  %-50s " + unit + " (%s)   ours / baseline %.3f (median of the rounds' ratios, "
                + "%.3f–%.3f)%n", oursLabel, median(ours), range(ours), median(ratios), min(ratios), max(ratios));
    }

    /** The rounds' min–max, as the unit prints them. */
    private String range(double[] values) {
        return String.format(unit, min(values)).strip() + " – " + String.format(unit, max(values)).strip();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElseThrow();
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElseThrow();
    }
}
