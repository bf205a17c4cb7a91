package io.vitalwire.sims.faults;

import static io.vitalwire.sims.faults.DebianHost.dpkg;
import static io.vitalwire.sims.faults.DebianHost.installedVersion;
import static io.vitalwire.sims.faults.DebianHost.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vitalwire.contract.Channel;
import io.vitalwire.contract.GatewayState;
import io.vitalwire.contract.Presence;
import io.vitalwire.sims.coap.CoapHomeDevice;
import io.vitalwire.sims.coap.HomeDeviceCredential;
import io.vitalwire.sims.coap.HomeDeviceKind;
import io.vitalwire.sims.process.ServiceProcess;
import io.vitalwire.testing.ArrivalLedger;
import io.vitalwire.testing.FreePorts;
import io.vitalwire.testing.GatewayReadings;
import io.vitalwire.testing.MosquittoBroker;
import io.vitalwire.testing.ReadingsSubscriber;
import io.vitalwire.testing.TestPki;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's Debian package as an installer uses it, on the CI machine (root; systemd is not PID 1 there, so the
 * test starts the service's process itself, exactly as the installed unit says): {@code dpkg -i} of the package the
 * build made; the unit's {@code ExecStart=} as its user, with its environment and its decrypted credentials; a
 * reading of a simulated CoAP thermometer arriving over mutual TLS at cloud-ingest's side of the broker; with the
 * broker down, a reading that stays in the buffer; {@code dpkg -i} of a rebuilt package ({@code +test1}) as an
 * upgrade, which keeps the buffer file, its key and the installer's configuration, and after which that reading
 * arrives; {@code dpkg -r} keeping the data, {@code dpkg -P} removing it and the user. Whatever the test installed is
 * purged even when it fails.
 */
class DebianPackageIT {

    private static final String PACKAGE = "vitalwire-gateway";
    private static final String SERVICE_USER = "vitalwire-gateway";
    private static final Path BUILT = Path.of("..", "gateway", "target");
    private static final Path UNIT = Path.of("/usr/lib/systemd/system/vitalwire-gateway.service");
    private static final Path DROP_INS = Path.of("/etc/systemd/system/vitalwire-gateway.service.d");
    private static final Path CONFIG = Path.of("/etc/vitalwire/gateway");
    private static final Path DATA = Path.of("/var/lib/vitalwire/gateway");
    private static final Path CREDENTIALS = Path.of("/var/lib/vitalwire/credentials");
    /** Where the test decrypts the unit's credentials, as systemd would into /run/credentials/<unit>. */
    private static final Path DECRYPTED = Path.of("/run/credentials-vitalwire-gateway-test");
    private static final String GATEWAY_ID = "gw-deb";
    private static final String BODY_TEMPERATURE_MDC = "150364";
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration ARRIVAL = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final ArrivalLedger ledger = new ArrivalLedger();
    private final HomeDeviceCredential thermometer = HomeDeviceCredential.generate(HomeDeviceKind.THERMOMETER,
            "DEB-THERMO-1");
    private final Instant measuredAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private final int coapPort = FreePorts.udp();
    private final int managementPort = FreePorts.tcp();

    @Test
    void installedPackage_deliversReadings_keepsItsBufferAcrossAnUpgrade_andOnlyPurgeRemovesItsData()
            throws Exception {
        assertThat(DebianHost.isRoot()).as("dpkg -i needs root").isTrue();
        assertThat(installedVersion(PACKAGE)).as(PACKAGE + " is already installed here; this test installs and "
                + "purges it, so it does not run on a machine that has it (dpkg -P " + PACKAGE + ")").isEmpty();
        Path deb = DebianHost.builtPackage(BUILT, PACKAGE);
        Path upgrade = DebianHost.rebuiltWithVersionSuffix(deb, "+test1", dir);
        TestPki pki = TestPki.issue(dir.resolve("pki"), GATEWAY_ID, TestPki.INGEST);
        try (MosquittoBroker broker = MosquittoBroker.deployed(pki, dir.resolve("broker"));
             ReadingsSubscriber ignored = FaultScenario.ingestSubscriber(broker.url(), pki, ledger)) {
            try {
                dpkg("-i", deb.toString());
                String version = installedVersion(PACKAGE);
                assertThat(version).isNotEmpty();
                assertInstalledAsPackaged();
                configureLikeAnInstaller(pki, broker);

                List<GatewayState> states = new CopyOnWriteArrayList<>();
                MqttClient stateSubscriber = FaultScenario.subscribeTo(broker.url(), pki, GATEWAY_ID, Channel.STATE,
                        message -> states.add((GatewayState) message));
                try (ServiceProcess gateway = startAsTheUnitSays("deb-gateway-installed")) {
                    gateway.awaitHealth(200, START);
                    assertReportsThePackageVersion(states, version);
                    stateSubscriber.disconnect();
                    stateSubscriber.close();
                    // Made by the process at its first start: it runs as the service's user.
                    assertThat(Files.getOwner(DATA.resolve("buffer.db")).getName()).isEqualTo(SERVICE_USER);
                    if (hasSystemdCreds()) {
                        // It found its key in $CREDENTIALS_DIRECTORY; without one it would have generated this file.
                        assertThat(DATA.resolve("buffer.key")).doesNotExist();
                    }
                    String first = measure(0);
                    awaitArrival(first);
                    broker.stop();
                    gateway.awaitHealth(503, START);
                    String unsent = measure(1);
                    assertThat(ledger.keys()).doesNotContain(unsent);
                } // SIGTERM, the unit's KillSignal=, as systemd stops it for an upgrade
                Object bufferFile = DebianHost.fileKey(DATA.resolve("buffer.db"));
                String configuration = Files.readString(CONFIG.resolve("application.yml"));
                Map<String, byte[]> credentials = DebianHost.filesIn(CREDENTIALS);

                dpkg("-i", upgrade.toString());
                assertThat(installedVersion(PACKAGE)).isEqualTo(version + "+test1");
                assertThat(DebianHost.fileKey(DATA.resolve("buffer.db"))).as("the buffer file, not a new one")
                        .isEqualTo(bufferFile);
                assertThat(Files.readString(CONFIG.resolve("application.yml"))).as("a conffile: local edits kept")
                        .isEqualTo(configuration);
                Map<String, byte[]> upgraded = DebianHost.filesIn(CREDENTIALS);
                assertThat(upgraded).containsOnlyKeys(credentials.keySet().toArray(String[]::new));
                credentials.forEach((name, bytes) -> assertThat(upgraded.get(name)).as(name).isEqualTo(bytes));

                broker.start();
                try (ServiceProcess gateway = startAsTheUnitSays("deb-gateway-upgraded")) {
                    gateway.awaitHealth(200, START);
                    awaitArrival(GatewayReadings.deviceTimeKey(GATEWAY_ID, thermometer.serial(),
                            measuredAt.minusSeconds(1), BODY_TEMPERATURE_MDC));
                }

                dpkg("-r", PACKAGE);
                assertThat(UNIT).doesNotExist();
                assertThat(DATA.resolve("buffer.db")).as("remove keeps the data").isNotEmptyFile();
                assertThat(userExists()).isTrue();

                dpkg("-P", PACKAGE);
                assertThat(DATA).as("purge removes the data").doesNotExist();
                assertThat(CREDENTIALS).doesNotExist();
                assertThat(DROP_INS).doesNotExist();
                assertThat(CONFIG).as("configuration, certificate and key").doesNotExist();
                assertThat(userExists()).isFalse();
            } finally {
                run("rm", "-rf", DECRYPTED.toString());
                if (!installedVersion(PACKAGE).isEmpty()) {
                    dpkg("-P", PACKAGE);
                }
            }
        }
    }

    /**
     * The software version in the gateway's retained online state (what the fleet view shows): the installed jar's
     * {@code Implementation-Version}, the Maven version, of which the package's version is Debian's spelling (jdeb:
     * {@code 0.1.0-SNAPSHOT} is {@code 0.1.0~SNAPSHOT}, sorting before the release).
     */
    private static void assertReportsThePackageVersion(List<GatewayState> states, String packageVersion)
            throws IOException {
        String jarVersion;
        try (JarFile jar = new JarFile(Path.of("/usr/share/vitalwire-gateway/gateway.jar").toFile())) {
            jarVersion = jar.getManifest().getMainAttributes().getValue(Attributes.Name.IMPLEMENTATION_VERSION);
        }
        assertThat(jarVersion).as("the installed jar's Implementation-Version").isNotBlank();
        assertThat(packageVersion).isEqualTo(jarVersion.replace('-', '~'));
        await().atMost(ARRIVAL).untilAsserted(() -> assertThat(states)
                .anySatisfy(state -> {
                    assertThat(state.state()).isEqualTo(Presence.ONLINE);
                    assertThat(state.software()).isEqualTo(jarVersion);
                }));
    }

    /** What the maintainer scripts made: the user, the data directory, the AppCDS archive, the conffiles, the key. */
    private void assertInstalledAsPackaged() throws Exception {
        assertThat(userExists()).isTrue();
        assertThat(Files.getOwner(DATA).getName()).isEqualTo(SERVICE_USER);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(DATA))).isEqualTo("rwx------");
        assertThat(DATA.resolve("appcds.jsa")).as("postinst's AppCDS step").isNotEmptyFile();
        assertThat(run("dpkg-query", "-W", "-f=${Conffiles}", PACKAGE))
                .contains(CONFIG.resolve("application.yml").toString(), CONFIG.resolve("jvm.options").toString());
        if (hasSystemdCreds()) {
            // The buffer key exists only encrypted, and the unit loads it.
            assertThat(CREDENTIALS.resolve("buffer.key.cred")).isNotEmptyFile();
            assertThat(DATA.resolve("buffer.key")).doesNotExist();
            assertThat(InstalledUnit.read(UNIT, DROP_INS).credentials()).containsKey("buffer.key");
        } else {
            assertThat(DROP_INS).doesNotExist();
        }
    }

    /**
     * What the installer does after {@code dpkg -i} (deploy/gateway/README.md): the hub's certificate, its key (through
     * systemd credentials where the machine has them), application.yml, the CoAP device registry.
     */
    private void configureLikeAnInstaller(TestPki pki, MosquittoBroker broker) throws Exception {
        installReadableByService(pki.ca(), CONFIG.resolve("ca.pem"));
        installReadableByService(pki.cert(GATEWAY_ID), CONFIG.resolve("gateway.pem"));
        Path key = CONFIG.resolve("gateway.key");
        Files.copy(pki.key(GATEWAY_ID), key);
        run("chmod", "0600", key.toString());
        if (hasSystemdCreds()) {
            run("vitalwire-gateway-credentials", "import", "gateway.key", key.toString());
            assertThat(key).as("the plain key, once encrypted").doesNotExist();
            assertThat(InstalledUnit.read(UNIT, DROP_INS).credentials()).containsKeys("buffer.key", "gateway.key");
        } else {
            run("chown", SERVICE_USER + ":", key.toString());
        }
        Files.writeString(CONFIG.resolve("application.yml"), """
                vitalwire:
                  gateway:
                    id: %s
                    tenant: %s
                    data-dir: %s
                    uplink:
                      broker-url: %s
                      ca-file: %s/ca.pem
                      cert-file: %s/gateway.pem
                      key-file: %s
                      min-backoff: 200ms
                      max-backoff: 2s
                    coap:
                      bind-address: 127.0.0.1
                      port: %d
                    ble:
                      enabled: false
                micronaut:
                  server:
                    port: %d
                """.formatted(GATEWAY_ID, FaultGateway.TENANT, DATA, broker.url(), CONFIG, CONFIG, key, coapPort,
                managementPort));
        Path registry = DATA.resolve("coap-devices.psk");
        HomeDeviceCredential.writeGatewayFile(registry, List.of(thermometer));
        run("chown", SERVICE_USER + ":", registry.toString());
    }

    private static void installReadableByService(Path source, Path target) throws Exception {
        run("install", "-m", "0640", "-g", SERVICE_USER, source.toString(), target.toString());
    }

    private ServiceProcess startAsTheUnitSays(String name) throws Exception {
        return UnitProcess.start(InstalledUnit.read(UNIT, DROP_INS), name, managementPort, DECRYPTED);
    }

    /** One reading of the thermometer, answered 2.04 (on disk in the buffer); its key at cloud-ingest's side. */
    private String measure(int n) throws IOException {
        Instant at = measuredAt.minusSeconds(n);
        try (CoapHomeDevice device = new CoapHomeDevice(thermometer, URI.create("coaps://127.0.0.1:" + coapPort))) {
            assertThat(device.measure(at, n)).isEqualTo(CoAP.ResponseCode.CHANGED);
        }
        return GatewayReadings.deviceTimeKey(GATEWAY_ID, thermometer.serial(), at, BODY_TEMPERATURE_MDC);
    }

    private void awaitArrival(String key) {
        await().atMost(ARRIVAL).pollInterval(Duration.ofMillis(100)).until(() -> ledger.keys().contains(key));
        assertThat(ledger.refused()).isEmpty();
    }

    private static boolean hasSystemdCreds() {
        return Files.isExecutable(Path.of("/usr/bin/systemd-creds"));
    }

    private static boolean userExists() throws Exception {
        return DebianHost.exec(List.of("getent", "passwd", SERVICE_USER)).exitCode() == 0;
    }
}
