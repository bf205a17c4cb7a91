package io.vitalwire.sims.demo;

import java.io.Console;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sims demo}: the README's main job after the stack is up (deploy/dev/demo.sh runs it): one home with BLE and
 * CoAP devices, a deteriorating patient, alerts a clinician's webhook receives, and a report of where it all landed.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run scenarios in one simulated home against cloud-ingest and a gateway, then report.")
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--scenario", paramLabel = "FILE", description = "scenario file; repeat for several "
            + "(default: device-sims/scenarios/home.yaml and deteriorating-patient.yaml)")
    private List<Path> scenarios = List.of(Path.of("device-sims/scenarios/home.yaml"),
            Path.of("device-sims/scenarios/deteriorating-patient.yaml"));

    @Option(names = "--repo", description = "the repository's root (default: the current directory)")
    private Path repo = Path.of(".");

    @Option(names = "--run-dir", required = true, description = "logs, keys and the gateway's data of this run")
    private Path runDir;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the report as JSON")
    private Path json;

    @Option(names = "--html", paramLabel = "FILE",
            description = "also write the report as an HTML page with a chart of each vital sign and its alerts")
    private Path html;

    @Override
    public Integer call() throws Exception {
        Console console = System.console();
        DemoRun.Settings settings = new DemoRun.Settings(repo, runDir, scenarios, ZoneId.systemDefault(), System.out,
                console != null);
        DemoReport report = new DemoRun(settings).run();
        ReportText.print(report, System.out);
        if (json != null) {
            DemoRun.writeJson(report, json);
            System.out.println("\nreport as JSON: " + json);
        }
        if (html != null) {
            ReportHtml.write(report, html);
            System.out.println("report as a page: " + html);
        }
        return report.alertsAsExpected() ? 0 : 1;
    }
}
