package io.vitalwire.sims.bench;

import java.util.List;

/** Nearest-rank percentiles of a benchmark's samples: the p99 of 60 samples is the slowest. */
final class Percentiles {

    private Percentiles() {
    }

    static double of(List<Double> values, double p) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(Math.max(0, (int) Math.ceil(p * sorted.size()) - 1));
    }

    /** The middle one (of an even number, the lower middle). */
    static double median(List<Double> values) {
        return of(values, 0.5);
    }
}
