package io.vitalwire.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Mosquitto of the test's own on a free loopback port, which it keeps across {@link #stop()}, {@link #kill()} and
 * {@link #start()}, as a real broker keeps its address, so that clients can lose it and find it again. Three kinds:
 * {@link #plain} (anyone may connect), {@link #mutualTls} (client certificates of a {@link TestPki}, CN as user
 * name), and {@link #deployed}: the configuration operators get ({@code deploy/broker/mosquitto.conf} and
 * {@code acl}) with only the test's paths and port put in, persistence included.
 */
public final class MosquittoBroker implements AutoCloseable {

    private static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");
    /** Relative to the module under test, which is one level below the repository's root. */
    private static final Path DEPLOY = Path.of("..", "deploy", "broker");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);

    /**
     * Where a broker runs: the command prefix that starts it there (none: on this machine; {@code ip netns exec …}:
     * in a network namespace), the address it listens on (null: every address it has), and the address at which
     * the test can tell it is up.
     */
    public record Host(List<String> launcher, String bindAddress, String probeAddress) {

        /** On this machine's loopback, where every broker of the tests ran before partition tests. */
        public static final Host LOOPBACK = new Host(List.of(), "127.0.0.1", "127.0.0.1");

        public Host {
            launcher = List.copyOf(launcher);
        }
    }

    private final String scheme;
    private final int port;
    private final Host host;
    private final Path config;
    private final Path log;
    /** Where a deployed broker saves its state; null for the others, which keep none. */
    private final Path stateDir;
    private Process process;

    private MosquittoBroker(String scheme, int port, Host host, Path config, Path log, Path stateDir) {
        this.scheme = scheme;
        this.port = port;
        this.host = host;
        this.config = config;
        this.log = log;
        this.stateDir = stateDir;
    }

    /** Plain MQTT, anyone may connect; its configuration and log go into {@code dir}. */
    public static MosquittoBroker plain(Path dir) throws IOException, InterruptedException {
        return listener(dir, "tcp", "allow_anonymous true\n");
    }

    /** Mutual TLS with the {@link TestPki#BROKER} certificate of {@code pki}; the client's CN is its user name. */
    public static MosquittoBroker mutualTls(Path dir, TestPki pki) throws IOException, InterruptedException {
        return listener(dir, "ssl", "cafile " + pki.ca() + "\ncertfile " + pki.cert(TestPki.BROKER) + "\nkeyfile "
                + pki.key(TestPki.BROKER)
                + "\nrequire_certificate true\nuse_identity_as_username true\nallow_anonymous false\n");
    }

    /**
     * The operators' configuration with the certificates of {@code pki} (from {@link TestPki#issue}), written into
     * {@code dir} with its state and log, and started: mutual TLS, certificate CN as user name, the ACL rendered from
     * the gateways {@code pki} issued ({@link TestPki#acl()}), persistence.
     */
    public static MosquittoBroker deployed(TestPki pki, Path dir) throws IOException, InterruptedException {
        return deployed(pki, dir, Host.LOOPBACK);
    }

    /** As {@link #deployed(TestPki, Path)}, run on {@code host} (e.g. a network namespace of the test's own). */
    public static MosquittoBroker deployed(TestPki pki, Path dir, Host host) throws IOException, InterruptedException {
        return deployed(pki, dir, host, Map.of());
    }

    /**
     * As {@link #deployed(TestPki, Path)}, but saving its state only when the test says so ({@link #save()}) and on
     * shutdown, instead of every {@code autosave_interval} (60 s): a crash then loses exactly what came since the
     * test's last save, however long the test takes to get there.
     */
    public static MosquittoBroker deployedSavingOnDemand(TestPki pki, Path dir)
            throws IOException, InterruptedException {
        // Mosquitto: 0 turns autosave off; the state is still written on SIGUSR1 and on shutdown.
        return deployed(pki, dir, Host.LOOPBACK, Map.of("autosave_interval 60", "autosave_interval 0"));
    }

    /** @param settings further replacements in the operators' configuration, each checked to be there */
    private static MosquittoBroker deployed(TestPki pki, Path dir, Host host, Map<String, String> settings)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path stateDir = Files.createDirectories(dir.resolve("state"));
        int port = FreePorts.tcp();
        Files.writeString(pki.dir().resolve("acl"), pki.acl());
        Map<String, String> ours = new HashMap<>(settings);
        ours.putAll(Map.of(
                "listener 8883", "listener " + port + (host.bindAddress() == null ? "" : " " + host.bindAddress()),
                "/etc/mosquitto/vitalwire/", pki.dir() + "/",
                "persistence_location /var/lib/mosquitto/", "persistence_location " + stateDir + "/"));
        String conf = Files.readString(DEPLOY.resolve("mosquitto.conf"));
        for (Map.Entry<String, String> e : ours.entrySet()) {
            if (!conf.contains(e.getKey())) {
                throw new IllegalStateException("deploy/broker/mosquitto.conf no longer has '" + e.getKey()
                        + "'; adapt " + MosquittoBroker.class.getSimpleName());
            }
            conf = conf.replace(e.getKey(), e.getValue());
        }
        Path log = dir.resolve("mosquitto.log");
        // Started as root, Mosquitto would switch to the 'mosquitto' user, who cannot read this run's files.
        conf += "\nuser " + System.getProperty("user.name") + "\nlog_dest file " + log + "\n";
        Path config = Files.writeString(dir.resolve("mosquitto.conf"), conf);
        MosquittoBroker broker = new MosquittoBroker("ssl", port, host, config, log, stateDir);
        broker.start();
        return broker;
    }

    private static MosquittoBroker listener(Path dir, String scheme, String security)
            throws IOException, InterruptedException {
        int port = FreePorts.tcp();
        Path log = dir.resolve("mosquitto-" + port + ".log");
        // As root, Mosquitto would switch to its own user, who cannot read the test's files.
        Path config = Files.writeString(dir.resolve("mosquitto-" + port + ".conf"), "per_listener_settings true\n"
                + "listener " + port + " 127.0.0.1\n" + security + "user " + System.getProperty("user.name")
                + "\nlog_dest file " + log + "\n");
        MosquittoBroker broker = new MosquittoBroker(scheme, port, Host.LOOPBACK, config, log, null);
        broker.start();
        return broker;
    }

    /** {@code tcp://127.0.0.1:<port>} or {@code ssl://…}. */
    public String url() {
        return url("127.0.0.1");
    }

    /** The same port by another host name, e.g. {@code localhost}, which the broker's certificate does not name. */
    public String url(String host) {
        return scheme + "://" + host + ":" + port;
    }

    public int port() {
        return port;
    }

    /**
     * Starts it (again) on the same port, with whatever state it saved (or none, after {@link #wipeState()}), and
     * waits until it takes TCP connections.
     */
    public void start() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(host.launcher());
        command.addAll(List.of(MOSQUITTO.toString(), "-c", config.toString()));
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (!accepts()) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("mosquitto did not start (" + log + "): " + Files.readString(log));
            }
            Thread.sleep(50);
        }
    }

    /**
     * Renders a {@link #deployed} broker's ACL again from {@code pki} and has the broker reread it (SIGHUP), as
     * operators do after issuing or revoking a gateway; returns once the broker logged the reload.
     */
    public void reloadAcl(TestPki pki) throws IOException, InterruptedException {
        Files.writeString(pki.dir().resolve("acl"), pki.acl());
        long reloads = reloads();
        Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start();
        if (hup.waitFor() != 0) {
            throw new IllegalStateException("kill -HUP " + process.pid() + " failed");
        }
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (reloads() == reloads) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("mosquitto did not reload its configuration; see " + log);
            }
            Thread.sleep(50);
        }
    }

    private long reloads() throws IOException {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.filter(line -> line.contains("Reloading config")).count();
        }
    }

    /**
     * Has a {@link #deployed} broker write its state now (SIGUSR1), as its autosave would: sessions, subscriptions
     * and queued messages. Returns once the new file is in place: Mosquitto writes a temporary file and renames it
     * over the old one, so a file of another identity (inode) is a finished save.
     */
    public void save() throws IOException, InterruptedException {
        if (stateDir == null) {
            throw new IllegalStateException("only a deployed broker keeps state");
        }
        Path saved = stateDir.resolve("mosquitto.db");
        Object before = Files.exists(saved) ? Files.readAttributes(saved, BasicFileAttributes.class).fileKey() : null;
        Process usr1 = new ProcessBuilder("kill", "-USR1", Long.toString(process.pid())).start();
        if (usr1.waitFor() != 0) {
            throw new IllegalStateException("kill -USR1 " + process.pid() + " failed");
        }
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (!Files.exists(saved)
                || Objects.equals(before, Files.readAttributes(saved, BasicFileAttributes.class).fileKey())) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("mosquitto did not save its state; see " + log);
            }
            Thread.sleep(20);
        }
    }

    /** SIGTERM: Mosquitto saves its state (sessions, queued messages) and exits. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("mosquitto ignored SIGTERM; see " + log);
        }
    }

    /** SIGKILL: whatever it had not saved is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** Deletes a {@link #deployed} broker's saved state: the next start knows no session, subscription or message. */
    public void wipeState() throws IOException {
        if (stateDir == null) {
            throw new IllegalStateException("only a deployed broker keeps state");
        }
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
            socket.connect(new InetSocketAddress(host.probeAddress(), port), 200);
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
