package io.vitalwire.ingest.rules.backtest;

import io.vitalwire.ingest.rules.RuleEngine;
import io.vitalwire.ingest.rules.RuleSettings;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code java -jar cloud-ingest.jar rules replay [FILE]}: what the alert rules would have fired over a recorded
 * stream (standard input without FILE) — how clinicians tune thresholds, and how a rule change is checked against
 * last month's data before it goes live. Runs without starting the service. Exit 0 when every line was good, 1 when
 * one was not (each reported on standard error with its line number), 2 on a usage error.
 */
@Command(name = "rules", mixinStandardHelpOptions = true, description = "The alert rules, offline.",
        subcommands = RulesCommand.Replay.class)
public final class RulesCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        CommandLine.usage(this, System.err);
        return 2;
    }

    /** Runs the command line; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new RulesCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        for (CommandLine sub : cli.getSubcommands().values()) {
            ((Replay) sub.getCommand()).streams(out, err);
        }
        return cli.execute(args);
    }

    /** {@code rules replay [FILE]}. */
    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Prints, one JSON object per line, the alerts the rules would fire over a recorded stream "
                    + "of patients, readings and clock ticks (see cloud-ingest's README).")
    static final class Replay implements Callable<Integer> {

        @Parameters(arity = "0..1", paramLabel = "FILE", description = "the recorded stream; standard input if absent")
        Path file;

        private PrintStream out = System.out;
        private PrintStream err = System.err;

        void streams(PrintStream out, PrintStream err) {
            this.out = out;
            this.err = err;
        }

        @Override
        public Integer call() throws Exception {
            Backtest backtest = new Backtest(new RuleEngine(RuleSettings.DEFAULTS));
            try (BufferedReader in = file == null
                    ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                    : Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                return backtest.run(in, out, err) ? 0 : 1;
            }
        }
    }
}
