package io.vitalwire.sims.fleet;

import io.vitalwire.sims.process.MosquittoProcess;
import io.vitalwire.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Mosquitto of the benchmark's own, configured as the stack's mutual TLS listener is (deploy/dev/stack.sh): the dev
 * PKI's CA and broker certificate, the certificate's CN as the username, the ACL the stack renders from the PKI
 * (which lists every fleet hub). Its own because every consumer on the stack's broker — a demo's cloud-ingest, a
 * test's — would take the fleet's load too, each in its share group: measured there, the fleet would be measuring
 * them, and loading them. Without persistence: nothing needs to outlive the run.
 */
final class FleetBroker implements AutoCloseable {

    private final int port;
    private final MosquittoProcess process;

    private FleetBroker(int port, MosquittoProcess process) {
        this.port = port;
        this.process = process;
    }

    static FleetBroker start(Path pki, Path dir) throws IOException, InterruptedException {
        int port = FreePorts.tcp();
        Path state = Files.createDirectories(dir.resolve("broker"));
        Path log = state.resolve("mosquitto.log");
        // As root, Mosquitto would switch to its own user, who cannot write this run's directory.
        Path config = Files.writeString(state.resolve("mosquitto.conf"), String.join("\n",
                "per_listener_settings true",
                "listener " + port + " 127.0.0.1",
                "cafile " + pki.resolve("ca.pem"),
                "certfile " + pki.resolve("broker.pem"),
                "keyfile " + pki.resolve("broker.key"),
                "require_certificate true",
                "use_identity_as_username true",
                "allow_anonymous false",
                "acl_file " + pki.resolve("acl"),
                "persistence false",
                "max_queued_messages 0",
                "max_inflight_messages 100",
                "set_tcp_nodelay true",
                "user " + System.getProperty("user.name"),
                "log_dest file " + log,
                "log_type error", "log_type warning", "log_type notice", ""));
        return new FleetBroker(port, MosquittoProcess.start(config, port, log));
    }

    /** The URL cloud-ingest's Paho client takes ({@code ssl://}); the simulator takes host and port from it. */
    URI url() {
        return URI.create("ssl://127.0.0.1:" + port);
    }

    /** SIGHUP: Mosquitto re-reads its configuration and ACL; connections stay. */
    void reloadAcl() {
        try {
            if (new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start().waitFor() != 0) {
                throw new IllegalStateException("kill -HUP of the fleet's broker failed");
            }
            // Mosquitto reloads in its main loop, between two rounds of network events: at once, but not before kill
            // returns.
            Thread.sleep(500);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
