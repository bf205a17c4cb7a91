package io.vitalwire.sims.faults;

import static io.vitalwire.sims.faults.DebianHost.dpkg;
import static io.vitalwire.sims.faults.DebianHost.installedVersion;
import static io.vitalwire.sims.faults.DebianHost.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.vitalwire.sims.process.ServiceProcess;
import io.vitalwire.testing.FreePorts;
import io.vitalwire.testing.MosquittoBroker;
import io.vitalwire.testing.PostgresSchema;
import io.vitalwire.testing.StackSettings;
import io.vitalwire.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cloud-ingest's Debian package as an operator installs it on a VM, on the CI machine (root; systemd is not PID 1
 * there, so the test starts the unit's process itself): {@code dpkg -i} of the package the build made; the service
 * user, the configuration readable by its group only and the secrets file by root only; the unit's exact
 * {@code ExecStart=} as its user, with its environment file, answering {@code /health} against the dev stack's
 * PostgreSQL (a schema of its own, which it migrates), FHIR and InfluxDB and a broker of the test's, over mutual TLS;
 * the keys it generates in its state directory; {@code dpkg -r} keeping them, {@code dpkg -P} removing them and the
 * user. Whatever it installed is purged even when it fails.
 */
class CloudIngestPackageIT {

    private static final String PACKAGE = "vitalwire-cloud-ingest";
    private static final String SERVICE_USER = "vitalwire-cloud-ingest";
    private static final Path BUILT = Path.of("..", "cloud-ingest", "target");
    private static final Path UNIT = Path.of("/usr/lib/systemd/system/vitalwire-cloud-ingest.service");
    private static final Path DROP_INS = Path.of("/etc/systemd/system/vitalwire-cloud-ingest.service.d");
    private static final Path CONFIG = Path.of("/etc/vitalwire/cloud-ingest");
    private static final Path DATA = Path.of("/var/lib/vitalwire/cloud-ingest");
    private static final StackSettings STACK = StackSettings.fromEnvironment();

    @TempDir
    Path dir;

    private final int port = FreePorts.tcp();

    @Test
    void installedPackage_servesHealthAsItsUser_andOnlyPurgeRemovesItsKeys() throws Exception {
        assertThat(DebianHost.isRoot()).as("dpkg -i needs root").isTrue();
        assertThat(installedVersion(PACKAGE)).as(PACKAGE + " is already installed here; this test installs and "
                + "purges it, so it does not run on a machine that has it (dpkg -P " + PACKAGE + ")").isEmpty();
        Path deb = DebianHost.builtPackage(BUILT, PACKAGE);
        TestPki pki = TestPki.issue(dir.resolve("pki"), "gw-ingest-deb", TestPki.INGEST);
        try (MosquittoBroker broker = MosquittoBroker.deployed(pki, dir.resolve("broker"));
             PostgresSchema schema = new PostgresSchema(STACK)) {
            try {
                dpkg("-i", deb.toString());
                assertThat(installedVersion(PACKAGE)).isNotEmpty();
                assertInstalledAsPackaged();
                configureLikeAnOperator(pki, broker, schema);

                try (ServiceProcess ingest = UnitProcess.start(InstalledUnit.read(UNIT, DROP_INS), "deb-cloud-ingest",
                        port, dir.resolve("credentials"))) {
                    ingest.awaitHealth(200, Duration.ofSeconds(120));
                }
                assertThat(schema.number("SELECT count(*) FROM flyway_schema_history WHERE success"))
                        .as("it migrated its schema with the configured database settings").isPositive();
                Path quarantineKey = DATA.resolve("keys").resolve("quarantine.key");
                assertThat(quarantineKey).as("generated at first start in its state directory").isNotEmptyFile();
                assertThat(Files.getOwner(quarantineKey).getName()).isEqualTo(SERVICE_USER);
                assertThat(mode(quarantineKey)).isEqualTo("rw-------");

                dpkg("-r", PACKAGE);
                assertThat(UNIT).doesNotExist();
                assertThat(quarantineKey).as("remove keeps the keys").isNotEmptyFile();
                assertThat(CONFIG.resolve("application.yml")).as("and the configuration").exists();

                dpkg("-P", PACKAGE);
                assertThat(DATA).as("purge removes the keys").doesNotExist();
                assertThat(CONFIG).doesNotExist();
                assertThat(DebianHost.exec(List.of("getent", "passwd", SERVICE_USER)).exitCode()).isNotZero();
            } finally {
                if (!installedVersion(PACKAGE).isEmpty()) {
                    dpkg("-P", PACKAGE);
                }
            }
        }
    }

    /** The user, its state directory, the conffiles and who may read them. */
    private static void assertInstalledAsPackaged() throws Exception {
        assertThat(DebianHost.exec(List.of("getent", "passwd", SERVICE_USER)).exitCode()).isZero();
        assertThat(Files.getOwner(DATA).getName()).isEqualTo(SERVICE_USER);
        assertThat(mode(DATA)).isEqualTo("rwx------");
        assertThat(run("dpkg-query", "-W", "-f=${Conffiles}", PACKAGE)).contains(
                CONFIG.resolve("application.yml").toString(), CONFIG.resolve("jvm.options").toString(),
                CONFIG.resolve("environment").toString());
        assertThat(run("stat", "-c", "%U:%G %a", CONFIG.toString()).strip()).isEqualTo("root:" + SERVICE_USER + " 750");
        assertThat(run("stat", "-c", "%U:%G %a", CONFIG.resolve("application.yml").toString()).strip())
                .isEqualTo("root:" + SERVICE_USER + " 640");
        assertThat(run("stat", "-c", "%U:%G %a", CONFIG.resolve("environment").toString()).strip())
                .as("secrets: root's only, systemd reads them").isEqualTo("root:root 600");
        assertThat(Files.readString(CONFIG.resolve("application.yml"))).as("placeholders to fill in")
                .contains("CHANGE-ME");
    }

    /**
     * What the operator does after {@code dpkg -i} (deploy/cloud-ingest/README.md): TLS files under the names the
     * shipped application.yml expects, its placeholders filled in, the secrets in the environment file. The listening
     * port comes from the environment file only, so
     * the health answer there proves the unit's {@code EnvironmentFile=} was applied.
     */
    private void configureLikeAnOperator(TestPki pki, MosquittoBroker broker, PostgresSchema schema) throws Exception {
        Path tls = CONFIG.resolve("tls");
        // The names the shipped application.yml expects.
        Map<Path, String> files = Map.of(pki.ca(), "ca.pem", pki.cert(TestPki.INGEST), "cloud-ingest.pem");
        for (Map.Entry<Path, String> file : files.entrySet()) {
            run("install", "-m", "0640", "-g", SERVICE_USER, file.getKey().toString(),
                    tls.resolve(file.getValue()).toString());
        }
        // The private key: the service's user's only (cloud-ingest refuses a key others may read).
        run("install", "-m", "0600", "-o", SERVICE_USER, pki.key(TestPki.INGEST).toString(),
                tls.resolve("cloud-ingest.key").toString());
        Path configuration = CONFIG.resolve("application.yml");
        String shipped = Files.readString(configuration);
        String edited = shipped
                .replace("jdbc:postgresql://CHANGE-ME:5432/vitalwire",
                        schema.datasourceProperties().get("datasources.default.url"))
                .replace("username: vitalwire", "username: " + STACK.pgUser())
                .replace("ssl://CHANGE-ME:8883", broker.url())
                .replace("https://CHANGE-ME/fhir", STACK.fhirUrl())
                .replace("http://CHANGE-ME:8086", STACK.influxUrl())
                .replace("database: vitalwire", "database: " + STACK.influxDb())
                .replace("share-group: cloud-ingest", "share-group: deb-ingest")
                // The admin API's issuer: not exercised here (no token is asked for /health).
                .replace("https://CHANGE-ME/realms/vitalwire", "https://issuer.test.invalid/realms/vitalwire")
                // The test's own schema, which Flyway creates and migrates.
                + "flyway:\n  datasources:\n    default:\n      schemas: %s\n      default-schema: %s\n"
                        .formatted(schema.name(), schema.name());
        assertThat(edited.lines().filter(line -> !line.strip().startsWith("#")))
                .as("every placeholder filled in").noneMatch(line -> line.contains("CHANGE-ME"));
        Files.writeString(configuration, edited);
        Files.writeString(CONFIG.resolve("environment"), "DATASOURCES_DEFAULT_PASSWORD=" + STACK.pgPassword()
                + "\nMICRONAUT_SERVER_PORT=" + port + "\n");
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
