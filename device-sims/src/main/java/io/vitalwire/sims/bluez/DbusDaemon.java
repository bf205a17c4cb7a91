package io.vitalwire.sims.bluez;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A private dbus-daemon on a unix socket in a directory of its own, so tests never touch the machine's system or
 * session bus. It can be killed and started again at the same address, which is what a bus restart looks like to
 * every client.
 */
public final class DbusDaemon implements AutoCloseable {

    private final Path dir;
    private final Path socket;
    private final Path config;
    private Process process;

    private DbusDaemon(Path dir) {
        this.dir = dir;
        this.socket = dir.resolve("bus");
        this.config = dir.resolve("bus.conf");
    }

    /** Starts a daemon listening on {@code <dir>/bus}. Needs the {@code dbus-daemon} binary (package dbus-daemon). */
    public static DbusDaemon start(Path dir) throws IOException {
        Files.createDirectories(dir);
        DbusDaemon daemon = new DbusDaemon(dir);
        Files.writeString(daemon.config, daemon.configText());
        daemon.launch();
        return daemon;
    }

    /** The D-Bus address clients use: {@code unix:path=...}. */
    public String address() {
        return "unix:path=" + socket;
    }

    public Path directory() {
        return dir;
    }

    /** SIGKILL: every client sees its connection drop, without a goodbye. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor();
            process = null;
        }
    }

    /** A new daemon at the same address (the old one killed first if still running). */
    public void restart() throws IOException, InterruptedException {
        kill();
        launch();
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    private void launch() throws IOException {
        // A killed daemon leaves its socket file behind, and a new one cannot bind over it.
        Files.deleteIfExists(socket);
        process = new ProcessBuilder("dbus-daemon", "--config-file=" + config, "--nofork", "--print-address")
                .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("dbus-daemon.log").toFile()))
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        String line = out.readLine(); // printed once it listens
        if (line == null || !line.startsWith("unix:")) {
            process.destroyForcibly();
            throw new IOException("dbus-daemon did not start; see " + dir.resolve("dbus-daemon.log"));
        }
        // Keep draining stdout so the daemon never blocks on a full pipe.
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // nothing else is printed
                }
            } catch (IOException ignored) {
                // the daemon is gone
            }
        }, "dbus-daemon-stdout");
        drain.setDaemon(true);
        drain.start();
    }

    /** A session-like bus: anyone connected may own names and call anything. Not for a shared machine's bus. */
    private String configText() {
        return """
                <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
                 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
                <busconfig>
                  <type>session</type>
                  <listen>unix:path=%s</listen>
                  <auth>EXTERNAL</auth>
                  <policy context="default">
                    <allow send_destination="*" eavesdrop="true"/>
                    <allow eavesdrop="true"/>
                    <allow own="*"/>
                  </policy>
                </busconfig>
                """.formatted(socket);
    }
}
