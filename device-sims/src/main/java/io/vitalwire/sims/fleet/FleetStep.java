package io.vitalwire.sims.fleet;

import java.util.Map;

/**
 * One step of the fleet benchmark: a fleet size on a number of cloud-ingest replicas, what it published and what
 * cloud-ingest took, the alerts' reading → webhook latency, whether every reading was delivered once, how long the
 * backlog took to drain after the devices stopped, and where the CPU went.
 *
 * @param p99Millis   the median of the p99s of the window's thirds (what the target is checked against)
 * @param p99AllMillis the p99 of all the window's alerts
 * @param published   readings/s the fleet published during the measured window
 * @param taken       readings/s whose InfluxDB stage finished in the window (cloud-ingest's intake pace)
 * @param fhirStage   readings/s whose FHIR stage finished in the window (Observations or window samples)
 * @param drainSeconds from the devices' stop until every reading was in both sinks
 * @param latencySplit where the alerts' time went: published → taken in (broker, consumer, the inbox's commit) →
 *                     resolved → alert raised (rules) → webhook received
 */
record FleetStep(int replicas, int hubs, double published, double taken, double fhirStage, int alerts,
                 int webhooksMissing, double p50Millis, double p99Millis, double p99AllMillis, double drainSeconds,
                 boolean deliveredOnce, String delivery, String latencySplit, Map<String, Long> backlogAtEnd,
                 Map<String, Double> cpu) {

    static final double TARGET_P99_MILLIS = 300;
    /** The backlog at the end of the window, drained within this, counts as kept up with. */
    static final double KEPT_UP_DRAIN_SECONDS = 15;

    /** cloud-ingest kept up: every reading delivered once, and what was behind when the window ended drained soon. */
    boolean keptUp() {
        return deliveredOnce && drainSeconds <= KEPT_UP_DRAIN_SECONDS;
    }

    /** Kept up, and every alert's webhook came with p99 within the target: the "sustained". */
    boolean sustained() {
        return keptUp() && webhooksMissing == 0 && p99Millis <= TARGET_P99_MILLIS;
    }

    String row() {
        StringBuilder cpuText = new StringBuilder();
        cpu.forEach((name, share) -> cpuText.append(cpuText.length() == 0 ? "" : ", ").append(name).append(' ')
                .append(Math.round(share)).append('%'));
        return String.format("| %d | %,d | %.0f | %.0f | %.0f | %d | %.0f | %.0f | %.0f | %.1f | %s | %s | %s | %s |",
                replicas, hubs, published, taken, fhirStage, alerts, p50Millis, p99Millis, p99AllMillis, drainSeconds,
                deliveredOnce ? "yes" : "NO", keptUp() ? "yes" : "no", sustained() ? "yes" : "no", cpuText);
    }

    static String header() {
        return "| replicas | hubs | published readings/s | taken in /s | FHIR stage /s | alerts | p50 ms | p99 ms "
                + "(median of thirds) | p99 ms (all) | drain s | delivered once | kept up | sustained (≤ 300 ms) | CPU (% of "
                + "one core) |\n"
                + "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- | --- |";
    }
}
