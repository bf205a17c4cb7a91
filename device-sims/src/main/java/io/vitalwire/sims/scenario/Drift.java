package io.vitalwire.sims.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

/**
 * A value over a step's repetitions: a single value stays; a pair {@code [first, last]} goes from the first to the
 * last in equal steps, rounded to the most decimals either is written with (a patient's SpO2 drifting from 96 to 85
 * over a stream's samples).
 */
final class Drift {

    private Drift() {
    }

    /** The value of repetition {@code i} of {@code count}. */
    static BigDecimal value(JsonNode node, int i, int count) {
        if (!node.isArray()) {
            return number(node);
        }
        if (node.size() != 2) {
            throw new IllegalArgumentException("a drift is [first, last], not " + node);
        }
        BigDecimal first = number(node.get(0));
        BigDecimal last = number(node.get(1));
        if (count == 1) {
            return first;
        }
        int scale = Math.max(Math.max(first.scale(), last.scale()), 0);
        BigDecimal step = last.subtract(first).multiply(BigDecimal.valueOf(i));
        return first.add(step.divide(BigDecimal.valueOf(count - 1L), scale + 4, RoundingMode.HALF_UP))
                .setScale(scale, RoundingMode.HALF_UP);
    }

    /** The duration of repetition {@code i} of {@code count}, in whole seconds for a drift. */
    static Duration duration(JsonNode node, int i, int count) {
        if (node == null || node.isNull()) {
            return Duration.ZERO;
        }
        if (!node.isArray()) {
            return Durations.parse(node.asText());
        }
        if (node.size() != 2) {
            throw new IllegalArgumentException("a drift is [first, last], not " + node);
        }
        long first = Durations.parse(node.get(0).asText()).toSeconds();
        long last = Durations.parse(node.get(1).asText()).toSeconds();
        return Duration.ofSeconds(count == 1 ? first : first + (last - first) * i / (count - 1));
    }

    private static BigDecimal number(JsonNode node) {
        if (!node.isNumber()) {
            throw new IllegalArgumentException("not a number: " + node);
        }
        return node.decimalValue();
    }
}
