package io.vitalwire.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A CA and certificates of one test's own, issued with the operators' {@code deploy/broker/pki.sh} (openssl), so the
 * tests also prove the commands operators use: keys are EC P-256 in PKCS#8 PEM ({@code <name>.key}), certificates
 * PEM ({@code <name>.pem}), all in one directory. The broker's certificate names only {@code IP:127.0.0.1} (unless
 * {@link #issueNaming} names other hosts): a client that dials {@code localhost} must refuse it when it verifies
 * host names.
 */
public final class TestPki {

    /** The identity cloud-ingest has in the shipped ACL ({@code deploy/broker/acl}). */
    public static final String INGEST = "cloud-ingest";
    /** The name of the broker's certificate and key that {@link #issue} makes. */
    public static final String BROKER = "broker";

    /** Relative to the module under test, which is one level below the repository's root. */
    private static final Path SCRIPT = Path.of("..", "deploy", "broker", "pki.sh").toAbsolutePath();

    private final Path dir;

    private TestPki(Path dir) {
        this.dir = dir;
    }

    /** A new CA in {@code dir}, the broker's certificate, and one client certificate per common name. */
    public static TestPki issue(Path dir, String... clients) throws IOException, InterruptedException {
        return issueNaming(dir, "IP:127.0.0.1", clients);
    }

    /**
     * As {@link #issue(Path, String...)}, with the broker's certificate naming {@code brokerNames} (a subjectAltName
     * list, e.g. {@code IP:198.18.7.2,IP:198.18.7.6} for a broker in a network namespace).
     */
    public static TestPki issueNaming(Path dir, String brokerNames, String... clients)
            throws IOException, InterruptedException {
        TestPki pki = newCa(dir);
        pki("server", dir.toString(), BROKER, brokerNames);
        for (String client : clients) {
            pki.client(client);
        }
        return pki;
    }

    /** A new CA in {@code dir} and nothing else yet. */
    public static TestPki newCa(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        pki("ca", dir.toString());
        return new TestPki(dir);
    }

    /** Issues a client certificate with this common name (the MQTT identity). */
    public TestPki client(String commonName) throws IOException, InterruptedException {
        pki("client", dir.toString(), commonName);
        return this;
    }

    public Path dir() {
        return dir;
    }

    public Path ca() {
        return dir.resolve("ca.pem");
    }

    public Path cert(String commonName) {
        return dir.resolve(commonName + ".pem");
    }

    public Path key(String commonName) {
        return dir.resolve(commonName + ".key");
    }

    /** The openssl CLI, for the malformed variants of these files an operator might produce. */
    public static void openssl(String... args) throws IOException, InterruptedException {
        run("openssl", args);
    }

    private static void pki(String... args) throws IOException, InterruptedException {
        run(SCRIPT.toString(), args);
    }

    private static void run(String program, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(program));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }
}
