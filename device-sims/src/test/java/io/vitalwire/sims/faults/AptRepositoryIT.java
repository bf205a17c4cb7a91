package io.vitalwire.sims.faults;

import static io.vitalwire.sims.faults.DebianHost.dpkg;
import static io.vitalwire.sims.faults.DebianHost.installedVersion;
import static io.vitalwire.sims.faults.DebianHost.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hub updated over the air from the operator's signed apt repository (deploy/apt/README.md), on the CI machine
 * (root): {@code deploy/apt/publish.sh} publishes the built gateway package signed with a throw-away key; the
 * repository is served over HTTP on loopback; apt, configured with the hub's files from deploy/apt/hub (the
 * {@code .sources} file trusting only that key with {@code Signed-By}, the pin) in a private configuration — the
 * machine's own sources, lists and caches untouched — installs it; the next version published into the same
 * repository is what {@code apt-get install --only-upgrade} installs, keeping the gateway's state; a repository with a
 * later version signed by another key is refused and changes nothing. What DebianPackageIT checks of the package
 * itself (the service, its buffer's readings across an upgrade) is not repeated here. Purges what it installed.
 */
class AptRepositoryIT {

    private static final String PACKAGE = "vitalwire-gateway";
    private static final Path BUILT = Path.of("..", "gateway", "target");
    private static final Path PUBLISH = Path.of("..", "deploy", "apt", "publish.sh");
    private static final Path HUB_FILES = Path.of("..", "deploy", "apt", "hub");
    private static final Path DATA = Path.of("/var/lib/vitalwire/gateway");
    private static final Path CREDENTIALS = Path.of("/var/lib/vitalwire/credentials");

    @TempDir
    Path dir;

    /** What the HTTP server serves: the operator's repository, or the one an attacker swapped in. */
    private final AtomicReference<Path> served = new AtomicReference<>();

    @Test
    void hubInstallsAndUpgradesFromTheSignedRepository_andRefusesOneSignedByAnotherKey() throws Exception {
        assertThat(DebianHost.isRoot()).as("apt-get install needs root").isTrue();
        assertThat(installedVersion(PACKAGE)).as(PACKAGE + " is already installed here; this test installs and "
                + "purges it, so it does not run on a machine that has it (dpkg -P " + PACKAGE + ")").isEmpty();
        // apt's download and gpgv methods run as the unprivileged _apt: everything they read must be reachable.
        run("chmod", "0755", dir.toString());
        Path deb = DebianHost.builtPackage(BUILT, PACKAGE);
        String first = run("dpkg-deb", "--field", deb.toString(), "Version").strip();
        Path next = DebianHost.rebuiltWithVersionSuffix(deb, "+ota1", dir);
        Path forged = DebianHost.rebuiltWithVersionSuffix(deb, "+forged", dir);
        SigningKey operator = SigningKey.generate(dir.resolve("operator-gpg"), "Vitalwire test archive");
        SigningKey attacker = SigningKey.generate(dir.resolve("attacker-gpg"), "Not the operator");
        Path repository = dir.resolve("repository");
        Path forgedRepository = dir.resolve("forged-repository");
        HttpServer server = serve();
        try {
            HubApt apt = HubApt.configure(dir.resolve("hub-apt"),
                    "http://127.0.0.1:" + server.getAddress().getPort(), operator.exportPublicKey(dir));

            publish(operator, repository, deb);
            served.set(repository);
            assertThat(Files.readString(repository.resolve("dists/stable/InRelease")))
                    .contains("-----BEGIN PGP SIGNED MESSAGE-----", "Valid-Until:", "Origin: Vitalwire");
            assertThat(repository.resolve("dists/stable/Release.gpg")).isNotEmptyFile();
            String update = apt.get("update");
            assertThat(update).doesNotContain("W:", "E:");
            apt.get("install", "-y", "--no-install-recommends", PACKAGE);
            assertThat(installedVersion(PACKAGE)).isEqualTo(first);
            Object data = DebianHost.fileKey(DATA);
            Map<String, byte[]> keys = DebianHost.filesIn(CREDENTIALS);

            publish(operator, repository, next);
            assertThat(repository.resolve("pool/main/v/vitalwire-gateway")).isDirectoryContaining(
                    p -> p.getFileName().toString().equals(deb.getFileName().toString()));
            apt.get("update");
            apt.get("install", "-y", "--only-upgrade", PACKAGE);
            assertThat(installedVersion(PACKAGE)).isEqualTo(first + "+ota1");
            assertThat(DebianHost.fileKey(DATA)).as("the data directory, not a new one").isEqualTo(data);
            Map<String, byte[]> upgradedKeys = DebianHost.filesIn(CREDENTIALS);
            assertThat(upgradedKeys.keySet()).isEqualTo(keys.keySet());
            keys.forEach((name, bytes) -> assertThat(upgradedKeys.get(name)).as(name).isEqualTo(bytes));

            // Someone who controls the server (or a mirror) serves a later version, signed with another key.
            publish(attacker, forgedRepository, forged);
            served.set(forgedRepository);
            // apt refuses it and keeps the lists it had; with --error-on=any (a hub's update job that should alarm)
            // the refusal is also the exit code.
            String refused = apt.get("update");
            assertThat(refused).contains("NO_PUBKEY " + attacker.keyId(), "The repository is not updated");
            DebianHost.Result failed = apt.tryGet("update", "--error-on=any");
            assertThat(failed.exitCode()).as(failed.output()).isNotZero();
            assertThat(failed.output()).contains("NO_PUBKEY " + attacker.keyId());
            apt.get("install", "-y", "--only-upgrade", PACKAGE);
            assertThat(installedVersion(PACKAGE)).as("the forged version is not installed").isEqualTo(first + "+ota1");
            assertThat(apt.get("policy", PACKAGE)).doesNotContain("+forged");
        } finally {
            server.stop(0);
            operator.close();
            attacker.close();
            if (!installedVersion(PACKAGE).isEmpty()) {
                dpkg("-P", PACKAGE);
            }
        }
    }

    private static void publish(SigningKey key, Path repository, Path deb) throws Exception {
        List<String> command = List.of(PUBLISH.toString(), repository.toString(), key.fingerprint(), deb.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("GNUPGHOME", key.home().toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(String.join(" ", command) + ":\n" + output).isZero();
        run("chmod", "-R", "a+rX", repository.toString());
    }

    /** A static file server for {@link #served}, on loopback, as the operator's web server would be. */
    private HttpServer serve() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
        return server;
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            Path root = served.get();
            Path file = root.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = Files.readAllBytes(file);
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(200, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    /**
     * apt as the hub would run it with deploy/apt/hub's files, but in a private configuration: only that source, its
     * own lists and caches, the pin, no trusted keys but the source's {@code Signed-By}. Installing still goes
     * through the machine's dpkg.
     */
    private record HubApt(List<String> options) {

        static HubApt configure(Path root, String uri, Path keyring) throws Exception {
            Files.createDirectories(root.resolve("lists").resolve("partial"));
            Files.createDirectories(root.resolve("cache").resolve("archives").resolve("partial"));
            Files.createDirectories(root.resolve("preferences.d"));
            Files.createDirectories(root.resolve("trusted.gpg.d"));
            Path sources = root.resolve("vitalwire.sources");
            String hubSources = Files.readString(HUB_FILES.resolve("vitalwire.sources"));
            assertThat(hubSources).contains("URIs: https://updates.example.org/vitalwire",
                    "Signed-By: /etc/apt/keyrings/vitalwire-archive.asc");
            Files.writeString(sources, hubSources.replace("https://updates.example.org/vitalwire", uri)
                    .replace("/etc/apt/keyrings/vitalwire-archive.asc", keyring.toString()));
            Files.copy(HUB_FILES.resolve("vitalwire.pref"), root.resolve("preferences.d").resolve("vitalwire.pref"));
            run("chmod", "-R", "a+rX", root.toString());
            return new HubApt(List.of(
                    "-o", "Dir::Etc::sourcelist=" + sources, "-o", "Dir::Etc::sourceparts=-",
                    "-o", "Dir::State::Lists=" + root.resolve("lists"), "-o", "Dir::Cache=" + root.resolve("cache"),
                    "-o", "Dir::Etc::preferences=/dev/null",
                    "-o", "Dir::Etc::preferencesparts=" + root.resolve("preferences.d"),
                    "-o", "Dir::Etc::trusted=/dev/null",
                    "-o", "Dir::Etc::trustedparts=" + root.resolve("trusted.gpg.d"),
                    "-o", "Dpkg::Use-Pty=0"));
        }

        /** {@code apt-get} (or {@code apt-cache policy}) with these options; it must succeed. */
        String get(String... args) throws Exception {
            return DebianHost.packageManager(command(args));
        }

        DebianHost.Result tryGet(String... args) throws Exception {
            return DebianHost.exec(command(args));
        }

        private List<String> command(String... args) {
            List<String> command = new ArrayList<>(List.of("policy".equals(args[0]) ? "apt-cache" : "apt-get", "-q"));
            command.addAll(options);
            command.addAll(List.of(args));
            return command;
        }
    }

    /** A throw-away OpenPGP signing key (Ed25519, no passphrase) in a GnuPG home of its own. */
    private record SigningKey(Path home, String fingerprint) implements AutoCloseable {

        static SigningKey generate(Path home, String name) throws Exception {
            Files.createDirectories(home);
            run("chmod", "0700", home.toString());
            run("gpg", "--homedir", home.toString(), "--batch", "--passphrase", "", "--quick-gen-key",
                    name + " <archive@test.invalid>", "ed25519", "sign", "1d");
            String listing = run("gpg", "--homedir", home.toString(), "--batch", "--with-colons", "--list-keys");
            String fingerprint = listing.lines().filter(line -> line.startsWith("fpr:")).findFirst().orElseThrow()
                    .split(":")[9];
            return new SigningKey(home, fingerprint);
        }

        /** The long key id apt names in NO_PUBKEY. */
        String keyId() {
            return fingerprint.substring(fingerprint.length() - 16);
        }

        /** The public key as the operator hands it to hubs: an armored file apt reads by its .asc name. */
        Path exportPublicKey(Path directory) throws Exception {
            Path file = directory.resolve("vitalwire-archive.asc");
            run("gpg", "--homedir", home.toString(), "--batch", "--armor", "--output", file.toString(), "--export",
                    fingerprint);
            run("chmod", "0644", file.toString());
            return file;
        }

        /** Stops the gpg-agent this home started. */
        @Override
        public void close() throws Exception {
            DebianHost.exec(List.of("gpgconf", "--homedir", home.toString(), "--kill", "gpg-agent"));
        }
    }
}
