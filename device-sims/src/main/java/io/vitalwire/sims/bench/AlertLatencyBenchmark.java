package io.vitalwire.sims.bench;

import io.vitalwire.sims.bench.AlertLatencyReport.Phase;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Issue 12's latency target: from a reading answered 2.04 at the gateway to the signed webhook received and verified
 * at the clinician's receiver, p50 and p99, at rest and with background load from simulated homes; baseline in the
 * same run: the broker round trip alone (publish → subscriber) for the same messages ({@link BrokerRoundTrip}).
 *
 * <p>The whole path runs on real parts: simulated CoAP thermometers over DTLS → the gateway in-process (intake,
 * SQLite buffer, uplink) → a Mosquitto of the benchmark's own → cloud-ingest, the jar in its own JVM (inbox in
 * PostgreSQL, resolve through the dev FHIR server, rules, the webhook outbox) → {@link SignedWebhookReceiver}, which
 * verifies each request with the Standard Webhooks reference library. Every fever (40.x °C) is a critical alert:
 * cloud-ingest runs with {@code vitalwire.ingest.rules.suppression=1s}, since the default 60 minutes would suppress
 * every fever of a patient after the first. Background load: {@link BackgroundHomes}, normal 1 Hz streams.
 *
 * <p>Rounds alternate: at rest (fevers, then the baseline); then the load starts, settles ({@link IngestBacklog}),
 * fevers and the baseline run under it, the load stops, the fevers' webhooks are collected (however late: a
 * cloud-ingest that falls behind the load delivers them once it catches up, and that is their latency), and
 * cloud-ingest drains before the next round. Figures are medians of the rounds.
 *
 * <p>Usage: {@code deploy/dev/bench.sh alert-latency [alerts per phase] [background readings/s] [rounds]}
 * (defaults 60, 1000, 3).
 */
public final class AlertLatencyBenchmark {

    /** One fever every so often: 8 thermometers take turns, so each sends every 2 s (its clock counts seconds). */
    private static final long EVERY_MILLIS = 250;
    private static final int PATIENTS = 8;
    private static final int WARM_UP_ALERTS = 16;
    private static final Duration LOAD_WARM_UP = Duration.ofSeconds(20);
    /** Longest extra wait for cloud-ingest to catch up with the load before measuring anyway. */
    private static final Duration CATCH_UP = Duration.ofSeconds(60);
    private static final Duration ARRIVAL = Duration.ofMinutes(10);
    private static final Duration DRAIN = Duration.ofMinutes(10);
    private static final double TARGET_P99_MILLIS = 300;
    private static final Map<String, String> INGEST_SETTINGS = Map.of(
            "vitalwire.ingest.rules.suppression", "1s",
            // The depth gauges say when cloud-ingest has caught up; refreshed every second instead of 10.
            "vitalwire.ingest.inbox.stats-interval", "1s");

    private AlertLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int alerts = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        int loadRate = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        String run = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        Path dir = Files.createTempDirectory("vw-bench-alert-");
        URI fhir = URI.create(BenchIngest.fhirUrl());

        long provisioning = System.nanoTime();
        BackgroundHomes homes = BackgroundHomes.provision(loadRate, fhir);
        System.out.printf("background homes registered in FHIR: %d homes, %d readings/s, %.0f s; logs in %s%n",
                homes.count(), homes.readingsPerSecond(), (System.nanoTime() - provisioning) / 1e9, dir);

        try (homes;
             BenchBroker broker = BenchBroker.start(dir);
             SignedWebhookReceiver receiver = SignedWebhookReceiver.start();
             BenchIngest ingest = BenchIngest.start(run, broker.url(), dir, INGEST_SETTINGS);
             AlertingHome home = AlertingHome.start(run, broker.url(), fhir, PATIENTS, dir);
             BrokerRoundTrip baseline = new BrokerRoundTrip(broker.url(), run, home.gatewayId(),
                     AlertingHome.TENANT)) {
            receiver.verifyWith(ingest.post("/admin/webhooks/endpoints", "{\"url\": \"" + receiver.url() + "\"}")
                    .get("secret").asText());
            // JIT, DTLS sessions, device lookups, connection pools: the first alerts are not what is measured.
            AlertTimings.collect(receiver, AlertTimings.send(home, WARM_UP_ALERTS, EVERY_MILLIS), ARRIVAL);
            baseline.roundTrips(baseline.takeCaptured(), EVERY_MILLIS);

            IngestBacklog backlog = new IngestBacklog(ingest, homes);
            List<Phase> rest = new ArrayList<>();
            List<Phase> load = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                List<AlertingHome.Sample> sent = AlertTimings.send(home, alerts, EVERY_MILLIS);
                List<AlertTimings.Timed> timed = AlertTimings.collect(receiver, sent, ARRIVAL);
                rest.add(new Phase(timed, baseline.roundTrips(baseline.takeCaptured(), EVERY_MILLIS)));
                AlertLatencyReport.round(round, "rest", rest.get(rest.size() - 1));

                homes.start(broker.url(), run + "-" + round);
                backlog.restart();
                double behindAtStart = backlog.settle(LOAD_WARM_UP, CATCH_UP);
                sent = AlertTimings.send(home, alerts, EVERY_MILLIS);
                List<Double> roundTrips = baseline.roundTrips(baseline.takeCaptured(), EVERY_MILLIS);
                String loadFigures = String.format("%.0f readings/s published (%d refused by the client), %.0f/s "
                        + "taken in by cloud-ingest; %.0f readings behind when the fevers began, %.0f at the end "
                        + "(%s)", backlog.publishedPerSecond(), homes.refused(), backlog.takenPerSecond(),
                        behindAtStart, backlog.behind(), backlog.depths());
                homes.stop();
                load.add(new Phase(AlertTimings.collect(receiver, sent, ARRIVAL), roundTrips));
                AlertLatencyReport.round(round, "load", load.get(load.size() - 1));
                System.out.printf("        load: %s%n", loadFigures);
                if (round < rounds) {
                    // The load's minute windows are written a minute after they close: most of this wait.
                    System.out.printf("        drained in %.0f s%n", backlog.awaitIdle(DRAIN));
                }
            }

            System.out.printf("%nAlert latency: reading answered 2.04 → signed webhook verified at the receiver%n");
            System.out.printf("  %d rounds × %d fevers per phase (one every %d ms, %d patients); background %d "
                    + "readings/s from %d homes (normal 1 Hz streams)%n", rounds, alerts, EVERY_MILLIS, PATIENTS,
                    homes.readingsPerSecond(), homes.count());
            AlertLatencyReport.summary("at rest", rest);
            double loadP99 = AlertLatencyReport.summary("under load", load);
            try (Connection sql = ingest.sql()) {
                AlertLatencyReport.breakdown("at rest", rest, sql);
                AlertLatencyReport.breakdown("under load", load, sql);
            }
            System.out.printf("  target p99 ≤ %.0f ms under load: %s (median p99 %.0f ms)%n", TARGET_P99_MILLIS,
                    loadP99 <= TARGET_P99_MILLIS ? "met" : "NOT met", loadP99);
        }
    }
}
