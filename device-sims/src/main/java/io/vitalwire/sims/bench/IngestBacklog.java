package io.vitalwire.sims.bench;

import java.time.Duration;
import java.util.List;

/**
 * How far cloud-ingest is behind the background load, from its own metrics: readings the homes published that it
 * has not taken into its inbox yet (still queued at the broker), plus those waiting for the stages on an alert's
 * way (resolve, rules) — what a new alert queues behind.
 */
final class IngestBacklog {

    private final BenchIngest ingest;
    private final BackgroundHomes homes;
    private long publishedAtStart;
    private double takenAtStart;
    private long startNanos;

    IngestBacklog(BenchIngest ingest, BackgroundHomes homes) {
        this.ingest = ingest;
        this.homes = homes;
    }

    /** From now on: call when the load starts. */
    void restart() throws Exception {
        publishedAtStart = homes.published();
        takenAtStart = taken();
        startNanos = System.nanoTime();
    }

    /**
     * Readings published since {@link #restart()} and not through resolve and rules yet; about, as the fevers
     * count among what cloud-ingest took in (never below 0 for them).
     */
    double behind() throws Exception {
        return Math.max(0, (homes.published() - publishedAtStart) - (taken() - takenAtStart))
                + depth("resolve") + depth("rules");
    }

    double publishedPerSecond() {
        return (homes.published() - publishedAtStart) / seconds();
    }

    /** Readings cloud-ingest took into its inbox per second since {@link #restart()}. */
    double takenPerSecond() throws Exception {
        return (taken() - takenAtStart) / seconds();
    }

    /**
     * Waits {@code warmUp}, then until cloud-ingest is less than a second of load behind, at most {@code catchUp}
     * more — or until it falls further behind over ten seconds, when waiting longer would only make the backlog
     * the alerts queue behind longer. @return how far behind it is when measuring begins
     */
    double settle(Duration warmUp, Duration catchUp) throws Exception {
        Thread.sleep(warmUp.toMillis());
        long deadline = System.nanoTime() + catchUp.toNanos();
        double behind = behind();
        while (behind > homes.readingsPerSecond() && System.nanoTime() < deadline) {
            Thread.sleep(10_000);
            double now = behind();
            if (now > behind) {
                return now;
            }
            behind = now;
        }
        return behind;
    }

    /** Entries pending per stage, e.g. {@code resolve 12, rules 340, fhir 2, influx 0}. */
    String depths() throws Exception {
        StringBuilder depths = new StringBuilder();
        for (String stage : List.of("resolve", "rules", "fhir", "influx")) {
            depths.append(depths.isEmpty() ? "" : ", ").append(stage).append(' ')
                    .append(String.format("%.0f", depth(stage)));
        }
        return depths.toString();
    }

    /** Until nothing is pending in any stage and every window is written, at most {@code max}. @return seconds */
    double awaitIdle(Duration max) throws Exception {
        long start = System.nanoTime();
        long deadline = start + max.toNanos();
        while (System.nanoTime() < deadline && (ingest.metric("vitalwire_ingest_inbox_depth") > 0
                || ingest.metric("vitalwire_ingest_windows_pending") > 0)) {
            Thread.sleep(1_000);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private double depth(String stage) throws Exception {
        return ingest.metric("vitalwire_ingest_inbox_depth", "stage=\"" + stage + "\"");
    }

    private double taken() throws Exception {
        return ingest.metric("vitalwire_ingest_inbox_accepted_total");
    }

    private double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
