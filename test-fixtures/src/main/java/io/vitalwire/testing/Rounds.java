package io.vitalwire.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A benchmark's rounds: our paths and their baselines, one after the other in each round, each round printed as it
 * finishes; summarised by each path's median with its min–max and by the median of the rounds' ratios.
 * The ratio of a round holds while a shared machine's load drifts between rounds, so that is the ratio reported.
 * Which path goes first rotates from round to round: a server under test keeps working after a round's writes
 * (InfluxDB snapshots its cache, PostgreSQL vacuums, Mosquitto frees its queues), and with one fixed order that work
 * would always fall on the same path; so would the JIT's last compilations.
 */
public final class Rounds {

    /** One path's rate in a round (numbered from 0). */
    public interface Path {
        double rate(int round) throws Exception;
    }

    /** A path and how the summary names it. */
    public record Named(String label, Path path) {
    }

    private final List<String> labels;
    /** [path][round]. */
    private final double[][] rates;
    private final String unit;

    private Rounds(List<String> labels, double[][] rates, String unit) {
        this.labels = labels;
        this.rates = rates;
        this.unit = unit;
    }

    /** Our path against one baseline; the order alternates. @param unit how a rate prints, e.g. {@code "%,.0f readings/s"} */
    public static Rounds run(int count, String unit, Path ours, Path baseline) throws Exception {
        return run(count, unit, List.of(new Named("ours", ours), new Named("baseline", baseline)));
    }

    /** Several paths; round {@code r} starts with path {@code r mod n}, then the next ones in their order. */
    public static Rounds run(int count, String unit, List<Named> paths) throws Exception {
        double[][] rates = new double[paths.size()][count];
        for (int round = 0; round < count; round++) {
            for (int i = 0; i < paths.size(); i++) {
                int path = (round + i) % paths.size();
                rates[path][round] = paths.get(path).path().rate(round);
            }
            StringBuilder line = new StringBuilder("round " + (round + 1) + ":");
            for (int path = 0; path < paths.size(); path++) {
                line.append("  ").append(paths.get(path).label()).append(' ')
                        .append(String.format(unit, rates[path][round]).strip());
            }
            System.out.println(line);
        }
        return new Rounds(paths.stream().map(Named::label).toList(), rates, unit);
    }

    /** The two-path summary: the baseline's median, then ours with the ratio. */
    public void print(String oursLabel, String baselineLabel) {
        System.out.printf("  %-50s " + unit + " (%s)%n", baselineLabel + " (baseline)", median(rates[1]),
                range(rates[1]));
        double[] ratios = ratios(0, 1);
        System.out.printf("  %-50s " + unit + " (%s)   ours / baseline %.3f (median of the rounds' ratios, "
                + "%.3f–%.3f)%n", oursLabel, median(rates[0]), range(rates[0]), median(ratios), min(ratios),
                max(ratios));
    }

    /** Each path's median rate with the rounds' min–max. */
    public void printRates() {
        for (int path = 0; path < labels.size(); path++) {
            System.out.printf("  %-40s " + unit + " (%s)%n", labels.get(path), median(rates[path]),
                    range(rates[path]));
        }
    }

    /** Path {@code numerator} over path {@code denominator}: the median of the rounds' ratios, with their min–max. */
    public void printRatio(String label, int numerator, int denominator) {
        double[] ratios = ratios(numerator, denominator);
        System.out.printf("  %-40s %.3f (median of the rounds' ratios, %.3f–%.3f)%n", label, median(ratios),
                min(ratios), max(ratios));
    }

    private double[] ratios(int numerator, int denominator) {
        double[] ratios = new double[rates[0].length];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = rates[numerator][i] / rates[denominator][i];
        }
        return ratios;
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
