package io.vitalwire.sims.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A token for cloud-ingest's admin API, signed by the jar's own {@code token} command with the dev stack's key, as an
 * operator gets one (cloud-ingest's README, "Admin API"): for a benchmark that registers webhook endpoints and reads
 * metrics.
 */
public final class AdminToken {

    private AdminToken() {
    }

    /** Operator, clinical-admin and metrics roles for {@code subject}. */
    public static String sign(Path jar, String subject, String key, String issuer)
            throws IOException, InterruptedException {
        Process signer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "token", "--subject", subject, "--role", "operator", "--role",
                "clinical-admin", "--role", "metrics", "--key", key, "--issuer", issuer)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String token = new String(signer.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        if (signer.waitFor() != 0 || token.isEmpty()) {
            throw new IllegalStateException("cloud-ingest.jar token failed (exit " + signer.exitValue() + ")");
        }
        return token;
    }
}
