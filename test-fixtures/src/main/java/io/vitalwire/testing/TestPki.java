package io.vitalwire.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A CA and certificates of one test's own, issued with the operators' {@code deploy/broker/pki.sh} (openssl), so the
 * tests also prove the commands operators use: a root CA ({@link #ca()}, what clients and the broker trust) with a
 * gateways and a services intermediate; keys are EC P-256 in PKCS#8 PEM ({@code <name>.key}), certificates PEM
 * ({@code <name>.pem}, the leaf then its intermediate), all in one directory. The broker's certificate names only
 * {@code IP:127.0.0.1} (unless {@link #issueNaming} names other hosts): a client that dials {@code localhost} must
 * refuse it when it verifies host names. A refusal of {@code pki.sh} is an {@link IllegalStateException} with its
 * message.
 */
public final class TestPki {

    /** The identity cloud-ingest has in the shipped ACL ({@code deploy/broker/acl}). */
    public static final String INGEST = "cloud-ingest";
    /** The name of the broker's certificate and key that {@link #issue} makes. */
    public static final String BROKER = "broker";
    /** The tenant of the gateways {@link #issue} and {@link #gateway(String)} certify. */
    public static final String TENANT = "test";

    /** Relative to the module under test, which is one level below the repository's root. */
    private static final Path SCRIPT = Path.of("..", "deploy", "broker", "pki.sh").toAbsolutePath();

    private final Path dir;

    private TestPki(Path dir) {
        this.dir = dir;
    }

    /**
     * A new CA in {@code dir}, the broker's certificate, and one client certificate per common name: {@link #INGEST}
     * as the service, any other name as a gateway of {@link #TENANT}.
     */
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
            if (client.equals(INGEST)) {
                pki.service(client);
            } else {
                pki.gateway(client);
            }
        }
        return pki;
    }

    /** A new CA in {@code dir} and nothing else yet. */
    public static TestPki newCa(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        pki("ca", dir.toString());
        return new TestPki(dir);
    }

    /** Issues a gateway's client certificate, {@code O=}{@link #TENANT}{@code , CN=<id>}, from the gateways CA. */
    public TestPki gateway(String id) throws IOException, InterruptedException {
        return gateway(TENANT, id);
    }

    /** Issues a gateway's client certificate, {@code O=<tenant>, CN=<id>}, from the gateways CA. */
    public TestPki gateway(String tenant, String id) throws IOException, InterruptedException {
        pki("gateway", dir.toString(), tenant, id);
        return this;
    }

    /** Issues a service's client certificate ({@code CN=<name>}) from the services CA. */
    public TestPki service(String name) throws IOException, InterruptedException {
        pki("service", dir.toString(), name);
        return this;
    }

    /** Signs a gateway's CSR made elsewhere ({@code pki.sh sign}): the CSR's CN as the id, {@code tenant} as O. */
    public TestPki sign(String tenant, Path csr, Path out) throws IOException, InterruptedException {
        pki("sign", dir.toString(), tenant, csr.toString(), out.toString());
        return this;
    }

    /** Revokes the gateway's certificates: it leaves the {@link #acl()}, and {@code crl.pem} lists it. */
    public TestPki revoke(String id) throws IOException, InterruptedException {
        pki("revoke", dir.toString(), id);
        return this;
    }

    /** The broker's ACL as operators render it ({@code pki.sh acl}): the shipped base and each gateway issued. */
    public String acl() throws IOException, InterruptedException {
        return run(SCRIPT.toString(), "acl", dir.toString());
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

    /** An intermediate CA's certificate: {@code "gateways"} or {@code "services"}. */
    public Path intermediate(String name) {
        return dir.resolve(name).resolve("ca.pem");
    }

    /** The openssl CLI, for the malformed variants of these files an operator might produce. */
    public static void openssl(String... args) throws IOException, InterruptedException {
        run("openssl", args);
    }

    private static void pki(String... args) throws IOException, InterruptedException {
        run(SCRIPT.toString(), args);
    }

    /** Runs the program; returns its standard output. */
    private static String run(String program, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(program));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
        // Either stream may fill its pipe while the other is read: read the (short) error output on its own thread.
        CompletableFuture<byte[]> errors = CompletableFuture.supplyAsync(() -> {
            try {
                return process.getErrorStream().readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output
                    + new String(errors.join(), StandardCharsets.UTF_8));
        }
        return output;
    }
}
