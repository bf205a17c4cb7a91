package io.vitalwire.sims.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitalwire.sims.scenario.ScenarioRun;
import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The line that shows a run going: readings measured, buffered at the gateway (not yet receipted by cloud-ingest),
 * Observations in FHIR, alerts received. Redrawn in place every second on a terminal; a line every 10 s otherwise
 * (a log file or CI).
 */
final class Progress implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "demo-progress");
        t.setDaemon(true);
        return t;
    });
    private final PrintStream out;
    private final boolean terminal;
    private volatile String phase = "starting";

    Progress(PrintStream out, boolean terminal, ScenarioRun run, DemoServices services, ReportGatherer fhir) {
        this.out = out;
        this.terminal = terminal;
        Supplier<String> line = () -> {
            String observations;
            try {
                observations = String.valueOf(fhir.observations());
            } catch (Exception e) {
                observations = "?";
            }
            return String.format("  %-22s measured %d/%d | buffered at the gateway %s | Observations in FHIR %s"
                    + " | alerts received %d", phase, run.measured(), run.plannedMeasurements(), buffered(services),
                    observations, services.receiver.received().stream()
                            .filter(r -> r.body().contains("\"alert.raised\"")).map(r -> r.webhookId()).distinct()
                            .count());
        };
        long period = terminal ? 1 : 10;
        timer.scheduleWithFixedDelay(() -> {
            String text = line.get();
            if (terminal) {
                out.print("\r" + text + "   ");
            } else {
                out.println(text);
            }
            out.flush();
        }, period, period, TimeUnit.SECONDS);
    }

    void phase(String name) {
        phase = name;
    }

    /** The gateway's buffer: readings unsent plus sent and awaiting cloud-ingest's receipt ({@code /health}). */
    private static String buffered(DemoServices services) {
        try {
            JsonNode buffer = JSON.readTree(services.gateway().get("/health")).path("details").path("buffer")
                    .path("details");
            long unsent = 0;
            for (JsonNode lane : buffer.path("unsentByLane")) {
                unsent += lane.asLong();
            }
            return String.valueOf(unsent + buffer.path("awaitingReceipt").asLong());
        } catch (Exception e) {
            return "?";
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        if (terminal) {
            out.println();
        }
    }
}
