package io.vitalwire.sims.ble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vitalwire.contract.Reading;
import io.vitalwire.contract.Transport;
import io.vitalwire.sims.bluez.DbusDaemon;
import io.vitalwire.sims.bluez.SimDeviceKind;
import io.vitalwire.sims.bluez.SimulatedBluez;
import io.vitalwire.sims.coap.CoapHomeDevice;
import io.vitalwire.sims.coap.HomeDeviceKind;
import io.vitalwire.sims.coap.SenmlPacks;
import io.vitalwire.sims.process.ServiceProcess;
import io.vitalwire.testing.FreePorts;
import io.vitalwire.testing.StackSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Device identifiers stay out of the gateway's log (issue 14, point 8): the gateway jar, as operators run it, with
 * BLE devices on a simulated BlueZ and a CoAP home device, through the steps that name a device — pairing, services
 * that never resolve, a device not on the allow-list, a refused value, a dropped link, a removed object, a lost bus, a
 * refused SenML pack that quotes the device's URN and a DTLS handshake with a wrong key. Its whole output is then
 * searched for every address (in every form it takes: {@code AA:BB:…}, BlueZ's {@code dev_AA_BB_…}, a reading key's
 * {@code AA~3ABB~3A…}, either case), serial, PSK identity and reading key; each device must be named instead by the
 * alias that {@code gateway.jar alias} gives for it.
 */
class DeviceAliasesInLogsIT {

    private static final StackSettings STACK = StackSettings.fromEnvironment();
    private static final ZoneId DEVICE_ZONE = ZoneId.of("Europe/Berlin");
    private static final Path JAR = Path.of("..", "gateway", "target", "gateway.jar");
    private static final Duration LOGGED = Duration.ofSeconds(40);
    private static final SimDeviceKind CUFF = SimDeviceKind.BLOOD_PRESSURE_CUFF;
    private static final SimDeviceKind THERMOMETER = SimDeviceKind.THERMOMETER;
    private static final SimDeviceKind METER = SimDeviceKind.GLUCOSE_METER;
    private static final SimDeviceKind OXIMETER = SimDeviceKind.PULSE_OXIMETER;
    /** Present, but on no allow-list: never connected, only counted and logged by alias. */
    private static final SimDeviceKind SCALE = SimDeviceKind.SCALE;
    private static final EnumSet<SimDeviceKind> BLE = EnumSet.of(CUFF, THERMOMETER, METER, OXIMETER, SCALE);
    /** The CoAP device: its PSK identity is not its serial, so that each is looked for on its own. */
    private static final String PSK_IDENTITY = "psk-home-thermo-7f";
    private static final String COAP_SERIAL = "HTH-7F-0001";
    /** Any BLE address, however written: none may be left in the log, not only the simulated devices'. */
    private static final Pattern ANY_ADDRESS = Pattern.compile(
            "(?i)(?<![0-9a-f])[0-9a-f]{2}(:|-|_|~3a)[0-9a-f]{2}(\\1[0-9a-f]{2}){4}(?![0-9a-f])");

    private final List<Reading> received = new CopyOnWriteArrayList<>();

    @Test
    @Timeout(240)
    void theGatewaysLog_namesDevicesByAlias_neverByAddressSerialPskIdentityOrReadingKey() throws Exception {
        String gatewayId = "gw-alias-" + UUID.randomUUID().toString().substring(0, 8);
        Path dir = Files.createTempDirectory("vw-alias-it-");
        Path dataDir = dir.resolve("gateway");
        byte[] coapKey = new byte[16];
        new SecureRandom().nextBytes(coapKey);
        writeCredentials(dataDir, coapKey);
        int coapPort = FreePorts.udp();
        ServiceProcess gateway;
        try (DbusDaemon daemon = DbusDaemon.start(dir.resolve("dbus"));
             SimulatedBluez bluez = SimulatedBluez.start(daemon.address(), DEVICE_ZONE, BLE)) {
            bluez.requirePairing(CUFF);
            bluez.neverResolveServices(THERMOMETER, 1);
            MqttClient observer = GatewayObservers.readings(STACK, gatewayId, received);
            gateway = ServiceProcess.start(gatewayId, JAR, properties(gatewayId, dataDir, daemon.address(), coapPort));
            try {
                gateway.awaitHealth(200, Duration.ofSeconds(60));
                await().atMost(LOGGED).until(() -> Files.exists(dataDir.resolve("device-alias.key")));
                Map<String, String> alias = aliasesFromTheCommand(dataDir);
                String cuff = alias.get(CUFF.address());
                String thermometer = alias.get(THERMOMETER.address());

                // BLE: pairing, a services timeout, a device not ours, readings, a refused value, a dropped link,
                // a removed object and a lost bus.
                awaitListening(bluez, EnumSet.of(CUFF, THERMOMETER, METER, OXIMETER));
                for (SimDeviceKind kind : List.of(CUFF, THERMOMETER, METER, OXIMETER)) {
                    bluez.measure(kind);
                }
                assertThat(bluez.sendRaw(CUFF, 0x2A35, new byte[] {0x00, (byte) 0xFF, 0x07, 0x50, 0x00, 0x60, 0x00}))
                        .isTrue(); // systolic NaN
                awaitLogged(gateway, "device " + cuff + " requires bonding",
                        "device " + alias.get(THERMOMETER.address()) + ": services not resolved",
                        "device " + alias.get(SCALE.address()) + " is not on the allow-list",
                        "refused a 2A35 value from " + cuff + " (refused)",
                        "device " + thermometer + " ready (serial " + alias.get(THERMOMETER.serial()) + ")");
                bluez.disconnect(CUFF);
                bluez.remove(METER, Duration.ofSeconds(1));
                awaitLogged(gateway, "device " + cuff + " disconnected",
                        "device " + alias.get(METER.address()) + " was removed by BlueZ");
                bluez.restartBus(daemon);
                awaitListening(bluez, EnumSet.of(CUFF, THERMOMETER, METER, OXIMETER));
                bluez.measure(CUFF);

                // CoAP: a reading, a pack quoting the device's URN, a handshake with a wrong key.
                URI coap = URI.create("coaps://127.0.0.1:" + coapPort);
                try (CoapHomeDevice device = new CoapHomeDevice(HomeDeviceKind.THERMOMETER, PSK_IDENTITY, coapKey,
                        coap)) {
                    assertThat(device.post(SenmlPacks.measurement(HomeDeviceKind.THERMOMETER, COAP_SERIAL,
                            Instant.parse("2026-03-01T08:00:00Z"), 3))).isEqualTo(CoAP.ResponseCode.CHANGED);
                    assertThat(device.post("[{\"bn\":\"urn:dev:xx:" + COAP_SERIAL + ":\",\"n\":\"body-temperature\","
                            + "\"u\":\"Cel\",\"v\":36.6}]")).isEqualTo(CoAP.ResponseCode.BAD_REQUEST);
                }
                byte[] wrongKey = coapKey.clone();
                wrongKey[0] ^= 1;
                try (CoapHomeDevice impostor = new CoapHomeDevice(HomeDeviceKind.THERMOMETER, PSK_IDENTITY, wrongKey,
                        coap, Duration.ofSeconds(2))) {
                    impostor.post("[]");
                } catch (IOException expected) {
                    // the handshake never completes
                }
                String coapDevice = alias.get(COAP_SERIAL);
                awaitLogged(gateway, "refused a SenML pack from device " + coapDevice + " (malformed)",
                        "DTLS handshake of registered device " + coapDevice);
                await().atMost(LOGGED).untilAsserted(() -> {
                    assertThat(received).anyMatch(r -> r.source().transport() == Transport.COAP);
                    assertThat(received.stream().filter(r -> r.source().transport() == Transport.BLE)
                            .map(Reading::device).distinct()).hasSizeGreaterThanOrEqualTo(4);
                });
            } finally {
                gateway.close();
                observer.disconnect();
                observer.close();
            }
        }

        String log = Files.readString(gateway.log(), StandardCharsets.UTF_8);
        List<String> identifiers = new ArrayList<>(List.of(PSK_IDENTITY, COAP_SERIAL));
        for (SimDeviceKind kind : BLE) {
            identifiers.add(kind.serial());
            String address = kind.address();
            for (String form : List.of(address, address.replace(":", "_"), address.replace(":", "-"),
                    address.replace(":", "~3A"))) {
                identifiers.add(form);
                identifiers.add(form.toLowerCase(Locale.ROOT));
            }
        }
        received.forEach(r -> identifiers.add(r.key()));
        assertThat(received).isNotEmpty();
        assertThat(identifiers.stream().filter(log::contains).toList()).as("identifiers in " + gateway.log())
                .isEmpty();
        assertThat(ANY_ADDRESS.matcher(log).results().map(m -> m.group()).toList()).as("addresses in the log")
                .isEmpty();
        assertThat(Pattern.compile(Pattern.quote(gatewayId) + "/(sn|bd)\\.").matcher(log).find())
                .as("a reading key in the log").isFalse();
    }

    private static Map<String, String> properties(String gatewayId, Path dataDir, String busAddress, int coapPort) {
        // Two devices with their serials to cross-check (which must stay out of the log too), the cuff bonding with
        // just works; the scale on no list.
        String allowList = String.join(",", CUFF.address() + " just-works",
                THERMOMETER.address() + " serial=" + THERMOMETER.serial(), METER.address().toLowerCase(Locale.ROOT),
                OXIMETER.address() + " serial=" + OXIMETER.serial());
        Map<String, String> p = BleGatewayProperties.of(STACK, gatewayId, dataDir, DEVICE_ZONE, busAddress,
                allowList);
        p.put("vitalwire.gateway.coap.port", Integer.toString(coapPort));
        p.put("vitalwire.gateway.coap.handshake-retransmissions", "1");
        return p;
    }

    private static void writeCredentials(Path dataDir, byte[] key) throws IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve("coap-devices.psk");
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, PSK_IDENTITY + " " + COAP_SERIAL + " " + Base64.getEncoder().encodeToString(key)
                + "\n");
    }

    /** What an operator runs to find a device's alias: identifier → alias, for every simulated device. */
    private static Map<String, String> aliasesFromTheCommand(Path dataDir) throws Exception {
        List<String> devices = new ArrayList<>(List.of(COAP_SERIAL));
        for (SimDeviceKind kind : BLE) {
            devices.add(kind.address());
            devices.add(kind.serial());
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", JAR.toString(), "alias", "--data-dir", dataDir.toString()));
        command.addAll(devices);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        Map<String, String> aliases = new HashMap<>();
        output.lines().map(line -> line.split(" ", 2)).forEach(parts -> aliases.put(parts[1], parts[0]));
        assertThat(aliases).containsOnlyKeys(devices)
                .allSatisfy((device, alias) -> assertThat(alias).matches("dev-[0-9a-f]{8}"));
        return aliases;
    }

    private static void awaitLogged(ServiceProcess gateway, String... fragments) {
        await().atMost(LOGGED).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(Files.readString(gateway.log(), StandardCharsets.UTF_8)).contains(fragments));
    }

    private static void awaitListening(SimulatedBluez bluez, EnumSet<SimDeviceKind> kinds) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(kinds.stream().filter(k -> !bluez.listening(k)).toList()).isEmpty());
    }
}
