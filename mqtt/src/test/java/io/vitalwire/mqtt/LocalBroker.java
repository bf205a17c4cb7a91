package io.vitalwire.mqtt;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A Mosquitto of the test's own on a free loopback port, which it keeps across {@link #stop()} and {@link #start()}
 * so that a client can lose it and find it again at the same address. Started from the given listener settings.
 */
final class LocalBroker implements AutoCloseable {

    private static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");
    private static final long READY_MILLIS = 15_000;

    private final String scheme;
    private final int port;
    private final Path config;
    private final Path log;
    private Process process;

    private LocalBroker(String scheme, int port, Path config, Path log) {
        this.scheme = scheme;
        this.port = port;
        this.config = config;
        this.log = log;
    }

    /** Plain MQTT, anyone may connect. */
    static LocalBroker plain(Path dir) throws IOException, InterruptedException {
        return start(dir, "tcp", "allow_anonymous true\n");
    }

    /** Mutual TLS with the CA, certificate and key files given; the client's CN is its user name. */
    static LocalBroker mutualTls(Path dir, Path ca, Path cert, Path key) throws IOException, InterruptedException {
        return start(dir, "ssl", "cafile " + ca + "\ncertfile " + cert + "\nkeyfile " + key
                + "\nrequire_certificate true\nuse_identity_as_username true\nallow_anonymous false\n");
    }

    private static LocalBroker start(Path dir, String scheme, String security)
            throws IOException, InterruptedException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Path log = dir.resolve("mosquitto-" + port + ".log");
        // As root, Mosquitto would switch to its own user, who cannot read the test's files.
        Path config = Files.writeString(dir.resolve("mosquitto-" + port + ".conf"), "per_listener_settings true\n"
                + "listener " + port + " 127.0.0.1\n" + security + "user " + System.getProperty("user.name")
                + "\nlog_dest file " + log + "\n");
        LocalBroker broker = new LocalBroker(scheme, port, config, log);
        broker.start();
        return broker;
    }

    String url() {
        return url("127.0.0.1");
    }

    String url(String host) {
        return scheme + "://" + host + ":" + port;
    }

    /** Starts it (again) and waits until it takes TCP connections. */
    void start() throws IOException, InterruptedException {
        process = new ProcessBuilder(MOSQUITTO.toString(), "-c", config.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.currentTimeMillis() + READY_MILLIS;
        while (!listening()) {
            if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("mosquitto did not start: " + Files.readString(log));
            }
            Thread.sleep(50);
        }
    }

    void stop() throws InterruptedException {
        process.destroy();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    private boolean listening() {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            stop();
        }
    }
}
