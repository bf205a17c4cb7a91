package io.vitalwire.sims.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sims}: the simulators as a tool people use. Each subcommand drives the real gateway and cloud-ingest through
 * their real transports (BLE through a simulated BlueZ on a private D-Bus, CoAP/DTLS, MQTT with mutual TLS); what
 * the devices do comes from scenario files ({@code device-sims/scenarios/}, documented in device-sims/README.md).
 */
@Command(name = "sims", mixinStandardHelpOptions = true,
        description = "Vitalwire device simulators: homes, patients, faults and fleets driving the real services.",
        subcommands = {
            BluezCommand.class,
            io.vitalwire.sims.demo.DemoCommand.class,
            io.vitalwire.sims.fleet.FleetCommand.class,
        })
public final class SimsCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // By name: the gateway's jar on this classpath brings its logging configured in code (GatewayLogging), which
        // steps aside only for a file named so.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "sims-logback.xml");
        }
        System.exit(new CommandLine(new SimsCommand()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
