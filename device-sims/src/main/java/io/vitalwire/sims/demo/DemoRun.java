package io.vitalwire.sims.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.vitalwire.sims.scenario.HomeLayout;
import io.vitalwire.sims.scenario.Scenario;
import io.vitalwire.sims.scenario.ScenarioRun;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One demo run, start to finish: the services up, the scenarios' patients and devices registered, BLE devices
 * connected, the timelines played, then waiting until the cloud has done its part — every spot Observation written,
 * the streams' windows closed, every expected alert received with its Task — or a deadline, and the report read back.
 * Everything it started is stopped at the end; the stack keeps running.
 */
final class DemoRun {

    /**
     * @param repo      the repository's root
     * @param dir       the run directory (logs, keys, the gateway's data), emptied first
     * @param scenarios scenario files, run together in one home
     * @param terminal  redraw the progress line in place
     */
    record Settings(Path repo, Path dir, List<Path> scenarios, ZoneId deviceZone, PrintStream out,
                    boolean terminal) {
    }

    /** How long the cloud may take after the last measurement, at most. */
    private static final Duration SETTLE_LIMIT = Duration.ofMinutes(3);

    private final Settings settings;

    DemoRun(Settings settings) {
        this.settings = settings;
    }

    DemoReport run() throws Exception {
        PrintStream out = settings.out();
        List<Scenario> scenarios = new ArrayList<>();
        for (Path file : settings.scenarios()) {
            scenarios.add(Scenario.read(file));
        }
        String runId = HexFormat.of().formatHex(SecureRandom.getInstanceStrong().generateSeed(3));
        HomeLayout layout = HomeLayout.of(runId, scenarios);
        Path dir = settings.dir();
        deleteTree(dir);
        Files.createDirectories(dir);
        out.printf("== run %s: cloud-ingest, gateway %s (BLE through a simulated BlueZ on a private D-Bus, CoAP/DTLS),"
                + " a webhook receiver%n   logs in %s%n", runId, DemoServices.GATEWAY_ID, dir);
        StackEnv stack = StackEnv.fromEnvironment();
        try (DemoServices services = DemoServices.start(stack, settings.repo(), dir, layout, settings.deviceZone());
             ScenarioRun run = ScenarioRun.prepare(layout, URI.create(stack.fhirUrl()), services.bluez,
                     services.coap, services)) {
            out.printf("== scenarios: %s; %d patients and %d devices registered in FHIR%n",
                    String.join(", ", scenarios.stream().map(Scenario::name).toList()), run.patients().size(),
                    layout.devices().size());
            ReportGatherer gatherer = new ReportGatherer(layout, run, services);
            Instant started;
            try (Progress progress = new Progress(out, settings.terminal(), run, services, gatherer)) {
                progress.phase("BLE devices connecting");
                run.awaitBleListening(Duration.ofSeconds(90));
                progress.phase("scenarios playing");
                started = Instant.now();
                run.play();
                progress.phase("the cloud finishing");
                awaitSettled(run, gatherer, started);
            }
            return gatherer.gather(started);
        }
    }

    /**
     * Until the last stream's window can have been written (its minute over, plus the grace and the closer's
     * period) and the cloud shows everything the scenarios expect; at most {@link #SETTLE_LIMIT}.
     */
    private static void awaitSettled(ScenarioRun run, ReportGatherer gatherer, Instant started) throws Exception {
        Instant lastSample = started.plus(run.lastStreamSample());
        Instant windowsWritten = lastSample.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1))
                .plusSeconds(10 + 5 + 5);
        Instant limit = Instant.now().plus(SETTLE_LIMIT);
        while (Instant.now().isBefore(limit)) {
            if (Instant.now().isAfter(windowsWritten)) {
                DemoReport now = gatherer.gather(started);
                boolean spotsIn = now.patients().stream().allMatch(p -> p.spotObservations() >= p.spotExpected()
                        && p.points() >= p.pointsExpected());
                if (spotsIn && now.alertsAsExpected()) {
                    return;
                }
            }
            Thread.sleep(2_000);
        }
    }

    static void writeJson(DemoReport report, Path file) throws java.io.IOException {
        new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(file.toFile(), report);
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
