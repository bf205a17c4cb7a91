package io.vitalwire.sims.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import io.vitalwire.sims.vitals.Vitals;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A scenario's steps expanded into what happens when, in time order. */
final class Timeline {

    private Timeline() {
    }

    static List<Planned> plan(Scenario scenario) {
        List<Planned> planned = new ArrayList<>();
        for (Scenario.Step step : scenario.steps()) {
            Duration at = Durations.parse(step.at() == null ? "0s" : step.at());
            int count = step.count() == null ? 1 : step.count();
            Duration every = step.every() == null ? Duration.ZERO : Durations.parse(step.every());
            for (int i = 0; i < count; i++) {
                planned.add(new Planned(at.plus(every.multipliedBy(i)),
                        step.hub() != null ? Planned.HUB : step.device(), action(step, i, count)));
            }
        }
        planned.sort(Comparator.comparing(Planned::at));
        return planned;
    }

    private static Planned.Action action(Scenario.Step step, int i, int count) {
        if (step.hub() != null) {
            Duration lasting = Durations.parse(step.lasting());
            return switch (step.hub()) {
                case "power-cut" -> new Planned.PowerCut(lasting);
                case "wifi-lost" -> new Planned.WifiLost(lasting);
                default -> throw new IllegalArgumentException("step at " + step.at() + ": the hub's events are "
                        + "power-cut and wifi-lost, not " + step.hub());
            };
        }
        if (step.assign() != null) {
            return new Planned.Assign(step.assign());
        }
        if (Boolean.TRUE.equals(step.replay())) {
            return new Planned.Replay();
        }
        if (step.away() != null) {
            return new Planned.GoAway(Durations.parse(step.away()));
        }
        if (step.battery() != null) {
            return new Planned.Battery(step.battery());
        }
        Map<String, BigDecimal> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : step.measure().entrySet()) {
            try {
                values.put(e.getKey(), Drift.value(e.getValue(), i, count));
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException("step at " + step.at() + " for " + step.device() + ", "
                        + e.getKey() + ": " + bad.getMessage(), bad);
            }
        }
        return new Planned.Measure(new Vitals(values), Boolean.TRUE.equals(step.continuous()), step.user(),
                Drift.duration(step.measuredAgo(), i, count));
    }
}
