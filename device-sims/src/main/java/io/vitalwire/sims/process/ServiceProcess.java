package io.vitalwire.sims.process;

import io.vitalwire.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One of our services run as its own JVM from the jar Maven built, exactly as an operator runs it, with its
 * output in a log file of its own ({@code target/e2e-logs/} for the end-to-end tests, the run directory for the
 * demo). Properties naming a password, secret or key go through the environment, so
 * that no secret is on a command line (ps).
 */
public final class ServiceProcess implements AutoCloseable {

    /** Properties that hold a secret: passed through the environment, not as {@code -D} arguments. */
    private static final Pattern SECRET = Pattern.compile("password|secret|(^|\\.)key$");

    private final String name;
    private final Process process;
    private final int httpPort;
    private final Path log;

    private ServiceProcess(String name, Process process, int httpPort, Path log) {
        this.name = name;
        this.process = process;
        this.httpPort = httpPort;
        this.log = log;
    }

    public static ServiceProcess start(String name, Path jar, Map<String, String> properties) throws IOException {
        return start(name, jar, List.of("-Xmx256m"), properties);
    }

    /** With these JVM options (e.g. {@code @file} of the options operators install) instead of a 256 MB heap. */
    public static ServiceProcess start(String name, Path jar, List<String> jvmOptions, Map<String, String> properties)
            throws IOException {
        return start(name, jar, jvmOptions, properties, Path.of("target", "e2e-logs"));
    }

    /** With its output in {@code <logs>/<name>.log}. */
    public static ServiceProcess start(String name, Path jar, List<String> jvmOptions, Map<String, String> properties,
                                       Path logs) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run `mvn package` first");
        }
        int httpPort = FreePorts.tcp();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-Dmicronaut.server.port=" + httpPort);
        Map<String, String> environment = new HashMap<>();
        properties.forEach((k, v) -> {
            if (SECRET.matcher(k).find()) {
                // Never on the command line, which ps shows to everyone: Micronaut reads it from the environment.
                environment.put(k.toUpperCase(Locale.ROOT).replaceAll("[.-]", "_"), v);
            } else {
                command.add("-D" + k + "=" + v);
            }
        });
        command.addAll(List.of("-jar", jar.toString()));
        Files.createDirectories(logs);
        Path log = logs.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        Process process = builder.start();
        return new ServiceProcess(name, process, httpPort, log);
    }

    /**
     * Exactly {@code command}, in {@code directory}, with only {@code environment} (nothing inherited from the test),
     * its output in {@code <logs>/<name>.log}: a service started as its init system would, e.g. a systemd unit's
     * {@code ExecStart=}. Its management port is {@code httpPort}, which its own configuration sets.
     */
    public static ServiceProcess startExactly(String name, List<String> command, Map<String, String> environment,
                                              Path directory, int httpPort, Path logs) throws IOException {
        Files.createDirectories(logs);
        Path log = logs.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().clear();
        builder.environment().putAll(environment);
        return new ServiceProcess(name, builder.start(), httpPort, log);
    }

    /** Waits until the service's health endpoint answers with the wanted HTTP status. */
    public void awaitHealth(int status, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(timeout);
        int last = -1;
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                last = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (last == status) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " health was " + last + ", not " + status + ", after " + timeout
                + "; see " + log);
    }

    /** GET on the service's management port (health, prometheus), the body as text. */
    public String get(String path) throws IOException, InterruptedException {
        return get(path, null);
    }

    /**
     * GET with an {@code Authorization} header (cloud-ingest's admin API and /prometheus: {@code TestTokens}), none
     * when null; the body as text.
     */
    public String get(String path, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(5));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The address of {@code path} on the service's HTTP port. */
    public String url(String path) {
        return "http://127.0.0.1:" + httpPort + path;
    }

    /** Its output so far (appended to across restarts under the same name). */
    public Path log() {
        return log;
    }

    /** SIGKILL: no shutdown hooks, no goodbye; what a power cut looks like to the broker. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
