package io.vitalwire.sims.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A token for cloud-ingest's admin API, signed by the jar's own {@code token} command with the dev stack's key, as an
 * operator gets one (cloud-ingest's README, "Admin API"), never put on a command line: for the demo and the
 * benchmarks, which register webhook endpoints, read metrics and quarantine.
 */
public final class AdminToken {

    private AdminToken() {
    }

    /**
     * A token for {@code subject} with {@code roles}. The command's error output is kept out of the caller's (the
     * demo prints a report, not logging) and given in the exception when it fails.
     */
    public static String sign(Path jar, String subject, String key, String issuer, String... roles)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", jar.toString(), "token", "--subject", subject, "--key", key, "--issuer", issuer));
        for (String role : roles) {
            command.add("--role");
            command.add(role);
        }
        Path errors = Files.createTempFile("admin-token", ".err");
        try {
            Process signer = new ProcessBuilder(command).redirectError(errors.toFile()).start();
            String token = new String(signer.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            if (signer.waitFor() != 0 || token.isEmpty()) {
                throw new IllegalStateException("cloud-ingest.jar token failed (exit " + signer.exitValue() + "): "
                        + Files.readString(errors).strip());
            }
            return token;
        } finally {
            Files.deleteIfExists(errors);
        }
    }
}
