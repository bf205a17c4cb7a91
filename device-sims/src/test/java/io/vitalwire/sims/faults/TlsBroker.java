package io.vitalwire.sims.faults;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Mosquitto of the test's own, run from the configuration operators get ({@code deploy/broker/mosquitto.conf} and
 * {@code acl}) with only this run's paths and port put in: mutual TLS, certificate CN as username, the ACL,
 * persistence. It keeps its port across restarts, as a real broker keeps its address.
 */
final class TlsBroker implements AutoCloseable {

    private static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");
    private static final Path DEPLOY = Path.of("..", "deploy", "broker");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);

    private final Path config;
    private final Path stateDir;
    private final Path log;
    private final int port;
    private Process process;

    private TlsBroker(Path config, Path stateDir, Path log, int port) {
        this.config = config;
        this.stateDir = stateDir;
        this.log = log;
        this.port = port;
    }

    /** Writes the configuration into {@code dir} and starts the broker. */
    static TlsBroker start(TestPki pki, Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path stateDir = Files.createDirectories(dir.resolve("state"));
        int port = freePort();
        Files.copy(DEPLOY.resolve("acl"), pki.dir().resolve("acl"));
        Map<String, String> ours = Map.of(
                "listener 8883", "listener " + port + " 127.0.0.1",
                "/etc/mosquitto/vitalwire/", pki.dir() + "/",
                "persistence_location /var/lib/mosquitto/", "persistence_location " + stateDir + "/");
        String shipped = Files.readString(DEPLOY.resolve("mosquitto.conf"));
        String conf = shipped;
        for (Map.Entry<String, String> e : ours.entrySet()) {
            if (!conf.contains(e.getKey())) {
                throw new IllegalStateException("deploy/broker/mosquitto.conf no longer has '" + e.getKey()
                        + "'; adapt " + TlsBroker.class.getSimpleName());
            }
            conf = conf.replace(e.getKey(), e.getValue());
        }
        Path log = dir.resolve("mosquitto.log");
        // Started as root, Mosquitto would switch to the 'mosquitto' user, who cannot read this run's files.
        conf += "\nuser " + System.getProperty("user.name") + "\nlog_dest file " + log + "\n";
        Path config = Files.writeString(dir.resolve("mosquitto.conf"), conf);
        TlsBroker broker = new TlsBroker(config, stateDir, log, port);
        broker.start();
        return broker;
    }

    String url() {
        return "ssl://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    /** Starts it again on the same port, with whatever state it saved (or none, after {@link #wipeState()}). */
    void start() throws IOException, InterruptedException {
        process = new ProcessBuilder(MOSQUITTO.toString(), "-c", config.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (!accepts()) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("mosquitto did not start; see " + log);
            }
            Thread.sleep(50);
        }
    }

    /** SIGTERM: Mosquitto saves its state (sessions, queued messages) and exits. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("mosquitto ignored SIGTERM; see " + log);
        }
    }

    /** SIGKILL: whatever it had not saved is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** Deletes its saved state: the next start knows no session, subscription or queued message. */
    void wipeState() throws IOException {
        if (process.isAlive()) {
            throw new IllegalStateException("stop the broker before wiping its state");
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> listing = Files.list(stateDir)) {
            listing.forEach(files::add);
        }
        for (Path file : files) {
            Files.delete(file);
        }
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            stop();
        }
    }
}
