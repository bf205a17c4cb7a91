package io.vitalwire.sims.faults;

import static io.vitalwire.sims.faults.DebianHost.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitalwire.sims.process.ServiceProcess;
import io.vitalwire.testing.FreePorts;
import io.vitalwire.testing.MosquittoBroker;
import io.vitalwire.testing.PostgresSchema;
import io.vitalwire.testing.StackSettings;
import io.vitalwire.testing.TestPki;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cloud-ingest's container image, built without a Docker daemon and without a base image by
 * deploy/cloud-ingest/image.sh (buildah FROM scratch, a jlink'ed runtime): the OCI archive's configuration (a
 * non-root user, the entrypoint) and its one layer, unpacked and run as a container runtime would — a mount
 * namespace of its own with /proc, chrooted into the layer, as the image's user, with its entrypoint, configured by
 * environment variables only (as the Helm chart does) — answering {@code /health} against the dev stack's PostgreSQL
 * (a schema of its own), FHIR and InfluxDB and a broker of the test's, over mutual TLS, with the shared keys given
 * as the Helm chart gives them (none generated). (No container runtime is
 * installed on CI: buildah's own {@code run} needs one.)
 */
class ContainerImageIT {

    private static final Path BUILT = Path.of("..", "cloud-ingest", "target");
    private static final Path IMAGE_SCRIPT = Path.of("..", "deploy", "cloud-ingest", "image.sh");
    private static final StackSettings STACK = StackSettings.fromEnvironment();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void imageBuiltFromScratch_runsAsItsUser_andAnswersHealth() throws Exception {
        assertThat(DebianHost.isRoot()).as("buildah (vfs) and chroot need root").isTrue();
        // The script on a copy of the built jar and lib/, so its work directory is the test's.
        Path built = dir.resolve("built");
        Files.createDirectories(built);
        run("cp", "-r", BUILT.resolve("cloud-ingest.jar").toString(), BUILT.resolve("lib").toString(),
                built.toString());
        run(IMAGE_SCRIPT.toString(), built.toString());
        Path archive = built.resolve("cloud-ingest-image.tar");
        assertThat(archive).isNotEmptyFile();

        Path oci = dir.resolve("oci");
        Files.createDirectories(oci);
        run("tar", "-xf", archive.toString(), "-C", oci.toString());
        JsonNode manifest = blob(oci, JSON.readTree(oci.resolve("index.json").toFile()).at("/manifests/0/digest"));
        JsonNode config = blob(oci, manifest.at("/config/digest")).path("config");
        assertThat(config.path("User").asText()).as("not root").isEqualTo("65532:65532");
        assertThat(manifest.path("layers")).as("FROM scratch: its own layer only").hasSize(1);
        List<String> entrypoint = new ArrayList<>();
        config.path("Entrypoint").forEach(part -> entrypoint.add(part.asText()));
        assertThat(entrypoint).startsWith("/opt/java/bin/java").endsWith("-jar", "/app/cloud-ingest.jar");

        Path rootfs = dir.resolve("rootfs");
        Files.createDirectories(rootfs);
        run("tar", "-xf", oci.resolve("blobs").resolve(digestPath(manifest.at("/layers/0/digest"))).toString(),
                "-C", rootfs.toString());
        assertThat(rootfs.resolve("bin")).as("no shell, no distribution: the runtime and the app").doesNotExist();

        TestPki pki = TestPki.issue(dir.resolve("pki"), "gw-image", TestPki.INGEST);
        Path tls = rootfs.resolve("tmp").resolve("tls");
        Files.createDirectories(tls);
        Files.copy(pki.ca(), tls.resolve("ca.pem"));
        Files.copy(pki.cert(TestPki.INGEST), tls.resolve("cloud-ingest.pem"));
        Files.copy(pki.key(TestPki.INGEST), tls.resolve("cloud-ingest.key"));
        run("chown", "-R", "65532:65532", tls.toString());
        run("chmod", "0600", tls.resolve("cloud-ingest.key").toString());
        // The shared keys as the Helm chart gives them: two as values from a Secret, the alias key as a file 0600.
        Path keys = rootfs.resolve("tmp").resolve("keys");
        Files.createDirectories(keys);
        Files.writeString(keys.resolve("device-alias.key"), randomKey() + "\n");
        run("chown", "-R", "65532:65532", keys.toString());
        run("chmod", "0600", keys.resolve("device-alias.key").toString());
        int port = FreePorts.tcp();
        try (MosquittoBroker broker = MosquittoBroker.deployed(pki, dir.resolve("broker"));
             PostgresSchema schema = new PostgresSchema(STACK)) {
            Map<String, String> environment = new HashMap<>();
            config.path("Env").forEach(e -> {
                String assignment = e.asText();
                environment.put(assignment.substring(0, assignment.indexOf('=')),
                        assignment.substring(assignment.indexOf('=') + 1));
            });
            environment.put("DATASOURCES_DEFAULT_URL", schema.datasourceProperties().get("datasources.default.url"));
            environment.put("DATASOURCES_DEFAULT_USERNAME", STACK.pgUser());
            environment.put("DATASOURCES_DEFAULT_PASSWORD", STACK.pgPassword());
            environment.put("FLYWAY_DATASOURCES_DEFAULT_SCHEMAS", schema.name());
            environment.put("FLYWAY_DATASOURCES_DEFAULT_DEFAULT_SCHEMA", schema.name());
            environment.put("MICRONAUT_SERVER_PORT", String.valueOf(port));
            // The other names the Helm chart sets (deploy/helm/cloud-ingest/templates/statefulset.yaml).
            environment.put("MICRONAUT_SERVER_HOST", "0.0.0.0");
            environment.put("VITALWIRE_INGEST_QUARANTINE_KEY", randomKey());
            environment.put("VITALWIRE_INGEST_NOTIFY_SECRET_KEY", randomKey());
            environment.put("VITALWIRE_INGEST_ALIASES_KEY_FILE", "/tmp/keys/device-alias.key");
            environment.put("VITALWIRE_INGEST_FHIR_AUTH_MODE", "none");
            environment.put("MICRONAUT_SECURITY_TOKEN_JWT_CLAIMS_VALIDATORS_ISSUER", "https://issuer.test.invalid");
            environment.put("MICRONAUT_SECURITY_TOKEN_JWT_CLAIMS_VALIDATORS_AUDIENCE", "vitalwire-admin");
            environment.put("VITALWIRE_INGEST_MQTT_BROKER_URL", broker.url());
            environment.put("VITALWIRE_INGEST_MQTT_CA_FILE", "/tmp/tls/ca.pem");
            environment.put("VITALWIRE_INGEST_MQTT_CERT_FILE", "/tmp/tls/cloud-ingest.pem");
            environment.put("VITALWIRE_INGEST_MQTT_KEY_FILE", "/tmp/tls/cloud-ingest.key");
            environment.put("VITALWIRE_INGEST_MQTT_CLIENT_ID", "image-ingest");
            environment.put("VITALWIRE_INGEST_MQTT_SHARE_GROUP", "image-ingest");
            environment.put("VITALWIRE_INGEST_FHIR_URL", STACK.fhirUrl());
            environment.put("VITALWIRE_INGEST_INFLUX_URL", STACK.influxUrl());
            environment.put("VITALWIRE_INGEST_INFLUX_DATABASE", STACK.influxDb());
            // unshare and chroot exec the entrypoint (no fork): the test's stop (SIGTERM) reaches the JVM itself.
            List<String> command = new ArrayList<>(List.of("/usr/bin/unshare",
                    "--mount-proc=" + rootfs.resolve("proc"), "/usr/sbin/chroot", "--userspec=65532:65532",
                    rootfs.toString()));
            command.addAll(entrypoint);
            try (ServiceProcess ingest = ServiceProcess.startExactly("image-cloud-ingest", command, environment,
                    rootfs, port, Path.of("target", "e2e-logs"))) {
                ingest.awaitHealth(200, Duration.ofSeconds(120));
                // The Helm chart's liveness probe.
                HttpResponse<Void> liveness = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/health/liveness")).build(),
                        HttpResponse.BodyHandlers.discarding());
                assertThat(liveness.statusCode()).isEqualTo(200);
            }
            assertThat(schema.number("SELECT count(*) FROM flyway_schema_history WHERE success")).isPositive();
            try (Stream<Path> generated = Files.list(rootfs.resolve("var/lib/vitalwire/cloud-ingest"))) {
                assertThat(generated).as("every key was given as the chart gives them: none generated").isEmpty();
            }
        }
    }

    /** A key as cloud-ingest takes them: base64 of 32 random bytes. */
    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private static JsonNode blob(Path oci, JsonNode digest) throws Exception {
        return JSON.readTree(oci.resolve("blobs").resolve(digestPath(digest)).toFile());
    }

    private static String digestPath(JsonNode digest) {
        return digest.asText().replace(':', '/');
    }
}
