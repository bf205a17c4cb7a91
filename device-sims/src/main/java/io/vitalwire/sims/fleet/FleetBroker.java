package io.vitalwire.sims.fleet;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A Mosquitto of the benchmark's own, configured as the stack's mutual TLS listener is (deploy/dev/stack.sh): the dev
 * PKI's CA and broker certificate, the certificate's CN as the username, the ACL the stack renders from the PKI
 * (which lists every fleet hub). Its own because every consumer on the stack's broker — a demo's cloud-ingest, a
 * test's — would take the fleet's load too, each in its share group: measured there, the fleet would be measuring
 * them, and loading them. Without persistence: nothing needs to outlive the run.
 */
final class FleetBroker implements AutoCloseable {

    private static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");

    private final int port;
    private final Process process;

    private FleetBroker(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    static FleetBroker start(Path pki, Path dir) throws IOException, InterruptedException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
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
        Process process = new ProcessBuilder(MOSQUITTO.toString(), "-c", config.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        // Not left running when the benchmark is stopped from outside (Ctrl-C, kill).
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!accepts(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("mosquitto did not start: " + Files.readString(log));
            }
            Thread.sleep(50);
        }
        return new FleetBroker(port, process);
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

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
