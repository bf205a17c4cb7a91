package io.vitalwire.sims.faults;

import io.vitalwire.mqtt.tls.ClientTls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A CA and certificates of one test run's own, issued with the operators' {@code deploy/broker/pki.sh} (openssl), so
 * the tests also prove the commands operators use. The broker's certificate names only {@code IP:127.0.0.1}: a
 * client that dials {@code localhost} must refuse it when it verifies host names.
 */
final class TestPki {

    /** The identity cloud-ingest has in the shipped ACL. */
    static final String INGEST = "cloud-ingest";

    private static final Path SCRIPT = Path.of("..", "deploy", "broker", "pki.sh").toAbsolutePath();

    private final Path dir;

    private TestPki(Path dir) {
        this.dir = dir;
    }

    /** A new CA in {@code dir}, the broker's certificate, and one client certificate per common name. */
    static TestPki issue(Path dir, String... clients) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        pki("ca", dir.toString());
        pki("server", dir.toString(), "broker", "IP:127.0.0.1");
        for (String client : clients) {
            pki("client", dir.toString(), client);
        }
        return new TestPki(dir);
    }

    Path dir() {
        return dir;
    }

    Path ca() {
        return dir.resolve("ca.pem");
    }

    Path cert(String commonName) {
        return dir.resolve(commonName + ".pem");
    }

    Path key(String commonName) {
        return dir.resolve(commonName + ".key");
    }

    /** Mutual TLS as {@code commonName} to a broker of this CA. */
    ClientTls tls(String commonName) {
        return ClientTls.forBroker("ssl://127.0.0.1", Optional.of(ca()), Optional.of(cert(commonName)),
                Optional.of(key(commonName))).orElseThrow();
    }

    /** Trusting this CA's broker, but with no certificate of one's own. */
    ClientTls trustOnly() {
        return ClientTls.forBroker("ssl://127.0.0.1", Optional.of(ca()), Optional.empty(), Optional.empty())
                .orElseThrow();
    }

    private static void pki(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(SCRIPT.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }
}
