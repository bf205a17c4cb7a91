package io.vitalwire.sims.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitalwire.sims.coap.HomeDeviceCredential;
import io.vitalwire.sims.process.ServiceProcess;
import io.vitalwire.testing.FreePorts;
import io.vitalwire.testing.MosquittoBroker;
import io.vitalwire.testing.TestPki;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway jar as one home hub of a fault test: its data directory, CoAP port and registered devices stay the
 * same across restarts, as on a real hub; it talks mutual TLS to the test's broker with its own certificate. It runs
 * with the JVM options operators install ({@code deploy/gateway/jvm.options}: a 64 MB heap), so every fault test
 * also shows that they are enough.
 */
final class FaultGateway implements AutoCloseable {

    /** The tenant in its topics: the one its certificate names ({@link TestPki#issue}). */
    static final String TENANT = TestPki.TENANT;
    private static final Path JAR = Path.of("..", "gateway", "target", "gateway.jar");
    static final Path JVM_OPTIONS = Path.of("..", "deploy", "gateway", "jvm.options");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /**
     * For a test that waits for readings sent again for want of a receipt: due after 5 s instead of the default 60 s,
     * and growing to 10 s at most (not 15 min) while none comes.
     */
    static final Map<String, String> RECEIPTS_DUE_SOON = Map.of(
            "vitalwire.gateway.uplink.receipt-timeout", "5s",
            "vitalwire.gateway.uplink.max-receipt-timeout", "10s");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RESENT = Pattern.compile(
            "(?m)^vitalwire_uplink_resent_total\\{[^}]*reason=\"receipt-overdue\"[^}]*\\} ([0-9.eE+]+)$");

    private final String name;
    private final Map<String, String> properties;
    private final URI coap;
    private ServiceProcess process;

    /** @param brokerUrl where the gateway dials its broker, e.g. {@link MosquittoBroker#url()} */
    FaultGateway(String id, TestPki pki, String brokerUrl, Path dataDir, List<HomeDeviceCredential> devices,
                 Map<String, String> extra) throws IOException {
        Files.createDirectories(dataDir);
        HomeDeviceCredential.writeGatewayFile(dataDir.resolve("coap-devices.psk"), devices);
        int coapPort = FreePorts.udp();
        this.name = "faults-" + id + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.coap = URI.create("coaps://127.0.0.1:" + coapPort);
        Map<String, String> base = Map.ofEntries(
                Map.entry("vitalwire.gateway.id", id),
                Map.entry("vitalwire.gateway.tenant", TENANT),
                Map.entry("vitalwire.gateway.data-dir", dataDir.toString()),
                Map.entry("vitalwire.gateway.coap.port", Integer.toString(coapPort)),
                Map.entry("vitalwire.gateway.uplink.broker-url", brokerUrl),
                Map.entry("vitalwire.gateway.uplink.ca-file", pki.ca().toString()),
                Map.entry("vitalwire.gateway.uplink.cert-file", pki.cert(id).toString()),
                Map.entry("vitalwire.gateway.uplink.key-file", pki.key(id).toString()),
                // A lower cap than the 60 s default keeps the tests short; the drain after an outage starts on the
                // first successful reconnect either way, not on a timer.
                Map.entry("vitalwire.gateway.uplink.min-backoff", "200ms"),
                Map.entry("vitalwire.gateway.uplink.max-backoff", "2s"));
        Map<String, String> all = new HashMap<>(base);
        all.putAll(extra);
        this.properties = Map.copyOf(all);
    }

    URI coap() {
        return coap;
    }

    /** Starts the jar; {@link #awaitConnected()} waits until its uplink is up. */
    void start() throws IOException {
        start(List.of());
    }

    /** With JVM options beyond the installed ones, e.g. a class-data sharing archive. */
    void start(List<String> moreJvmOptions) throws IOException {
        List<String> jvm = new ArrayList<>(List.of("@" + JVM_OPTIONS));
        jvm.addAll(moreJvmOptions);
        process = ServiceProcess.start(name, JAR, jvm, properties);
    }

    /** Health UP: the process runs and its uplink is connected to the broker. */
    void awaitConnected() throws Exception {
        process.awaitHealth(200, START_TIMEOUT);
    }

    /** Health DOWN: the process runs but its uplink is not connected. */
    void awaitDisconnected() throws Exception {
        process.awaitHealth(503, START_TIMEOUT);
    }

    /** kill -9. */
    void kill() throws InterruptedException {
        process.kill();
    }

    /** The URL of a path of the gateway's HTTP server, e.g. its pairing page. */
    String url(String path) {
        return process.url(path);
    }

    /** A path of the gateway's management server, e.g. {@code /prometheus}. */
    String get(String path) throws IOException, InterruptedException {
        return process.get(path);
    }

    String log() throws IOException {
        return Files.readString(process.log());
    }

    /** The uplink's health details: {@code unsent}, {@code inFlight}, {@code awaitingReceipt}… */
    JsonNode uplinkHealth() throws IOException, InterruptedException {
        return JSON.readTree(get("/health")).path("details").path("uplink").path("details");
    }

    /**
     * Readings the gateway has sent again so far because the broker acknowledged them but no receipt from cloud-ingest
     * named them in time: its counter {@code vitalwire.uplink.resent{reason=receipt-overdue}}, from {@code /prometheus}.
     */
    long readingsResentForWantOfReceipt() throws IOException, InterruptedException {
        Matcher resent = RESENT.matcher(get("/prometheus"));
        return resent.find() ? (long) Double.parseDouble(resent.group(1)) : 0;
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.close();
        }
    }
}
