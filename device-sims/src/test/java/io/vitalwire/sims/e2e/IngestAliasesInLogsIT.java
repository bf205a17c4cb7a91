package io.vitalwire.sims.e2e;

import io.vitalwire.sims.process.ServiceProcess;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingKey;
import io.vitalwire.sims.provision.FhirProvisioner;
import io.vitalwire.testing.GatewayMessages;
import io.vitalwire.testing.GatewayReadings;
import io.vitalwire.testing.PostgresSchema;
import io.vitalwire.testing.StackSettings;
import io.vitalwire.testing.TestTokens;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Device identifiers, patients and values stay out of cloud-ingest's log (issue 14, points 7 and 8): the jar, as
 * operators run it, takes readings through the paths that concern a device — a device bound on first use, an unknown
 * serial and an unknown BLE address quarantined, a key arriving again with another value, a reading under another
 * hub's key, a malformed message — and is asked about them through the admin API (explain by reading key, the
 * quarantine by device, a replay, an installation looked up, moved and refused). Its whole output is then searched for
 * every serial, address (in every form), device id and reading key, the patient's id and names, and the values sent;
 * the device bound on first use must be named by the alias {@code cloud-ingest.jar alias} gives for it.
 */
class IngestAliasesInLogsIT {

    private static final StackSettings STACK = StackSettings.fromEnvironment();
    private static final Path JAR = Path.of("..", "cloud-ingest", "target", "cloud-ingest.jar");
    private static final String TENANT = "logs";
    private static final Duration SETTLED = Duration.ofSeconds(60);
    /** Values no timestamp, port or id in the log would contain by chance. */
    private static final String WEIGHT = "71.93";
    private static final String OTHER_WEIGHT = "68.47";
    private static final Pattern ANY_ADDRESS = Pattern.compile(
            "(?i)(?<![0-9a-f])[0-9a-f]{2}(:|-|_|~3a)[0-9a-f]{2}(\\1[0-9a-f]{2}){4}(?![0-9a-f])");

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    @Timeout(240)
    void cloudIngestsLog_namesDevicesByAlias_neverByIdentifierPatientOrValue() throws Exception {
        String gatewayId = "gw-logs-" + run;
        Path keys = Files.createTempDirectory("vw-ingest-logs-");
        Path aliasKey = keys.resolve("device-alias.key");
        DeviceIdentity scale = GatewayReadings.device("LOGSCALE-" + run);
        DeviceIdentity stranger = GatewayReadings.device("LOGSTRANGER-" + run);
        String address = "C0:FF:EE:" + run.substring(0, 2).toUpperCase(Locale.ROOT) + ":" + run.substring(2, 4)
                .toUpperCase(Locale.ROOT) + ":5A";
        DeviceIdentity cuff = new DeviceIdentity(null, null, null, address, null);
        String family = "Quillfeather" + run;
        String given = "Ottoline" + run;
        FhirProvisioner fhir = new FhirProvisioner(URI.create(STACK.fhirUrl()));
        String patientSimId = "patient-of-logs-" + run;
        String patient = fhir.patient(patientSimId, family, given);
        fhir.device(scale.serial(), "SCALE", patient);

        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(10));
        Reading weight = GatewayReadings.weight(gatewayId, scale, at, WEIGHT);
        Reading conflicting = GatewayReadings.weight(gatewayId, scale, at, OTHER_WEIGHT);
        Reading unknown = GatewayReadings.weight(gatewayId, stranger, at, WEIGHT);
        Reading ble = GatewayReadings.heartRate(gatewayId, cuff, at, "77");
        Reading foreign = GatewayReadings.weight("gw-other-" + run, stranger, at.plusSeconds(1), WEIGHT);
        List<Reading> sent = List.of(weight, unknown, ble, foreign);

        // A schema of its own: the shared one belongs to the other engineers' runs and migrations.
        PostgresSchema schema = new PostgresSchema(STACK);
        ServiceProcess ingest = ServiceProcess.start("cloud-ingest-logs-" + run, JAR, properties(keys, schema));
        try {
            ingest.awaitHealth(200, Duration.ofSeconds(90));
            MqttClient publisher = new MqttClient(STACK.mqttUrl(), "logs-pub-" + run, new MemoryPersistence());
            publisher.connect();
            try {
                String topic = GatewayMessages.readingsTopic(TENANT, gatewayId);
                publisher.publish(topic, GatewayMessages.readings(gatewayId, sent), 1, false);
                awaitTrail(ingest, weight.key(), "\"outcome\":\"delivered\"");
                awaitTrail(ingest, unknown.key(), "UNKNOWN_DEVICE");
                publisher.publish(topic, GatewayMessages.readings(gatewayId, List.of(conflicting)), 1, false);
                publisher.publish(topic, ("{\"not\":\"a batch from " + scale.serial() + " at " + address + "\"}")
                        .getBytes(StandardCharsets.UTF_8), 1, false);
                awaitTrail(ingest, conflicting.key(), "KEY_CONFLICT");
            } finally {
                publisher.disconnect();
                publisher.close();
            }
            String device = ReadingKey.deviceId(scale);
            String bleDevice = ReadingKey.deviceId(cuff);
            for (String path : List.of("/admin/quarantine?device=" + stranger.serial(),
                    "/admin/quarantine?device=" + address, "/admin/devices/" + device + "/gateway",
                    "/admin/devices/" + bleDevice + "/gateway", "/admin/devices/" + device + "/installations",
                    "/admin/readings?key=" + ble.key(), "/admin/readings?key=" + foreign.key())) {
                ingest.get(encoded(path), TestTokens.shared().admin());
            }
            send(ingest, "POST", "/admin/quarantine/replay?device=" + encode(stranger.serial()), "");
            send(ingest, "PUT", "/admin/devices/" + encode(device) + "/gateway",
                    "{\"tenant\":\"" + TENANT + "\",\"gateway\":\"" + gatewayId + "\",\"note\":\"checked\"}");
            send(ingest, "PUT", "/admin/devices/" + encode(bleDevice) + "/gateway", "{\"tenant\":\"bad tenant\"}");
        } finally {
            ingest.close();
            schema.close();
        }

        String log = Files.readString(ingest.log(), StandardCharsets.UTF_8);
        String alias = aliasFromTheCommand(aliasKey, ReadingKey.deviceId(scale));
        assertThat(log).as("the first-use binding names its device by alias").contains("device " + alias
                + " was installed at hub");
        List<String> forbidden = new ArrayList<>(List.of(scale.serial(), stranger.serial(), patient, patientSimId,
                family, given, WEIGHT, OTHER_WEIGHT));
        for (String form : List.of(address, address.replace(":", "_"), address.replace(":", "-"),
                address.replace(":", "~3A"))) {
            forbidden.add(form);
            forbidden.add(form.toLowerCase(Locale.ROOT));
        }
        sent.forEach(r -> forbidden.add(r.key()));
        assertThat(forbidden.stream().filter(log::contains).toList()).as("identifiers, patient or values in "
                + ingest.log()).isEmpty();
        assertThat(ANY_ADDRESS.matcher(log).results().map(m -> m.group()).toList()).as("addresses in the log")
                .isEmpty();
        assertThat(Pattern.compile("(?<![A-Za-z0-9])(sn|bd)\\.[A-Za-z0-9]").matcher(log).find())
                .as("a device id in the log").isFalse();
    }

    private Map<String, String> properties(Path keys, PostgresSchema schema) {
        Map<String, String> p = new HashMap<>(TestTokens.shared().trustedBy(Map.of()));
        p.put("vitalwire.ingest.mqtt.broker-url", STACK.mqttUrl());
        p.put("vitalwire.ingest.mqtt.client-id", "ingest-logs-" + run);
        p.put("vitalwire.ingest.mqtt.share-group", "logs-" + run);
        p.put("vitalwire.ingest.mqtt.session-expiry", "2m");
        p.put("vitalwire.ingest.fhir.url", STACK.fhirUrl());
        p.put("vitalwire.ingest.influx.url", STACK.influxUrl());
        p.put("vitalwire.ingest.influx.database", STACK.influxDb());
        p.put("vitalwire.ingest.aliases.key-file", keys.resolve("device-alias.key").toString());
        p.put("vitalwire.ingest.quarantine.key-file", keys.resolve("quarantine.key").toString());
        p.putAll(schema.datasourceProperties());
        return p;
    }

    private static void awaitTrail(ServiceProcess ingest, String key, String fragment) {
        await().atMost(SETTLED).pollInterval(Duration.ofMillis(300)).ignoreExceptions().untilAsserted(() -> assertThat(
                ingest.get("/admin/readings?key=" + encode(key), TestTokens.shared().admin())).contains(fragment));
    }

    private void send(ServiceProcess ingest, String method, String path, String body) throws Exception {
        http.send(HttpRequest.newBuilder(URI.create(ingest.url(path))).method(method,
                        HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json")
                .header("Authorization", TestTokens.shared().admin()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.discarding());
    }

    private static String encoded(String path) {
        int query = path.indexOf('=');
        return query < 0 ? path : path.substring(0, query + 1) + encode(path.substring(query + 1));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** What an operator runs to find a device's alias in cloud-ingest's log. */
    private static String aliasFromTheCommand(Path keyFile, String device) throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), "alias", "--key-file", keyFile.toString(), device).redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).matches("dev-[0-9a-f]{8} " + Pattern.quote(device));
        return output.split(" ")[0];
    }
}
