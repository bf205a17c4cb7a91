package io.vitalwire.sims.fleet;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Each hub's client certificate from the dev stack's CA ({@code deploy/broker/pki.sh}), issued once and kept: in
 * {@code <pki>/fleet/<tenant>/}, inside the stack's PKI directory, so that the cache goes when the CA is remade and a
 * certificate never outlives the CA that signed it. Missing ones are issued in bulk ({@code pki.sh gateways}, ~28 ms
 * a gateway on this machine; {@code pki.sh gateway} takes ~390 ms, 65 minutes for 10,000), and the broker's ACL is
 * then rendered again and re-read by the running Mosquitto ({@code stack.sh acl}), as it must list every gateway.
 */
final class FleetCertificates {

    private final Path pki;
    private final Path dir;
    private final Path repository;

    /**
     * @param pki        the stack's PKI directory ({@code $VW_MQTT_PKI})
     * @param repository the repository's root, where deploy/broker/pki.sh and deploy/dev/stack.sh are
     */
    FleetCertificates(Path pki, String tenant, Path repository) {
        this.pki = pki;
        this.dir = pki.resolve("fleet").resolve(tenant);
        this.repository = repository;
    }

    /** What {@link #ensure} did: certificates issued now, how long that took, and whether the ACL was rendered. */
    record Issued(int count, double seconds, boolean aclRendered) {
    }

    /** Issues what is missing and, if anything was or the ACL lacks a hub, has the broker re-read its ACL. */
    Issued ensure(List<FleetHub> hubs) throws IOException, InterruptedException {
        List<String> missing = new ArrayList<>();
        for (FleetHub hub : hubs) {
            if (!Files.isRegularFile(certificate(hub.gatewayId())) || !Files.isRegularFile(key(hub.gatewayId()))) {
                missing.add(hub.gatewayId());
            }
        }
        long start = System.nanoTime();
        if (!missing.isEmpty()) {
            Files.createDirectories(dir);
            run(List.of(repository.resolve("deploy/broker/pki.sh").toString(), "gateways", pki.toString(),
                    hubs.get(0).tenant(), dir.toString()), String.join("\n", missing) + "\n");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        boolean render = !missing.isEmpty() || !aclNames(hubs.get(hubs.size() - 1).gatewayId());
        if (render) {
            run(List.of(repository.resolve("deploy/dev/stack.sh").toString(), "acl"), "");
        }
        return new Issued(missing.size(), seconds, render);
    }

    private boolean aclNames(String gatewayId) throws IOException {
        Path acl = pki.resolve("acl");
        return Files.isRegularFile(acl) && Files.readAllLines(acl).contains("user " + gatewayId);
    }

    Path certificate(String gatewayId) {
        return dir.resolve(gatewayId + ".pem");
    }

    Path key(String gatewayId) {
        return dir.resolve(gatewayId + ".key");
    }

    Path ca() {
        return pki.resolve("ca.pem");
    }

    private static void run(List<String> command, String input) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(input.getBytes(StandardCharsets.UTF_8));
        }
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command.subList(0, 2)) + " failed (exit " + process.exitValue()
                    + ")");
        }
    }
}
