package io.vitalwire.mqtt.tls;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Certificates for tests, made the way operators make them: with {@code deploy/broker/pki.sh}, and openssl for the
 * malformed variants an operator might produce.
 */
public final class PkiCommands {

    private static final Path SCRIPT = Path.of("..", "deploy", "broker", "pki.sh").toAbsolutePath();

    private PkiCommands() {
    }

    /** {@code pki.sh <args>}, e.g. {@code ca <dir>}, {@code server <dir> broker IP:127.0.0.1}. */
    public static void pki(String... args) throws Exception {
        exec(SCRIPT.toString(), args);
    }

    public static void openssl(String... args) throws Exception {
        exec("openssl", args);
    }

    private static void exec(String program, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(program));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }
}
