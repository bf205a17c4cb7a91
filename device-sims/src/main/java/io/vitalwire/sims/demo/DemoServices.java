package io.vitalwire.sims.demo;

import io.vitalwire.sims.bench.SignedWebhookReceiver;
import io.vitalwire.sims.bluez.DbusDaemon;
import io.vitalwire.sims.bluez.SimulatedBluez;
import io.vitalwire.sims.network.TcpProxy;
import io.vitalwire.sims.process.ServiceProcess;
import io.vitalwire.sims.scenario.HomeControls;
import io.vitalwire.sims.scenario.HomeLayout;
import io.vitalwire.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the demo runs beside the stack, each as it runs in production: cloud-ingest and the gateway as their
 * jars in their own JVMs (the gateway with the JVM options hubs install), mutual TLS to the broker with the dev CA's
 * certificates; a private dbus-daemon with the simulated BlueZ the gateway reads; a clinician's webhook receiver
 * that verifies every signature with the Standard Webhooks library. Closing stops them all, gateway first.
 */
final class DemoServices implements HomeControls, AutoCloseable {

    static final String GATEWAY_ID = "demo-gw-1";
    static final String TENANT = "demo";

    final StackEnv stack;
    final DbusDaemon dbus;
    final SimulatedBluez bluez;
    final SignedWebhookReceiver receiver;
    final ServiceProcess ingest;
    /** The gateway's own start: a power cut kills it and starts it again just so. */
    private final GatewayStart gatewayStart;
    private volatile ServiceProcess gateway;
    /** The gateway's link to the broker: the home's Wi-Fi, which a scenario can cut. */
    private final TcpProxy wifi;
    final URI coap;
    final AdminApi admin;
    /** The receiver's webhook endpoint, deleted at the end: no later alert is queued for a receiver that is gone. */
    private final String endpointId;

    /** How the gateway is started, kept to start it again after a power cut. */
    private record GatewayStart(Path jar, List<String> jvm, Map<String, String> properties, Path logs) {

        ServiceProcess start() throws IOException {
            return ServiceProcess.start("gateway", jar, jvm, properties, logs);
        }
    }

    private DemoServices(StackEnv stack, DbusDaemon dbus, SimulatedBluez bluez, SignedWebhookReceiver receiver,
                         ServiceProcess ingest, GatewayStart gatewayStart, ServiceProcess gateway, TcpProxy wifi,
                         URI coap, AdminApi admin, String endpointId) {
        this.endpointId = endpointId;
        this.stack = stack;
        this.dbus = dbus;
        this.bluez = bluez;
        this.receiver = receiver;
        this.ingest = ingest;
        this.gatewayStart = gatewayStart;
        this.gateway = gateway;
        this.wifi = wifi;
        this.coap = coap;
        this.admin = admin;
    }

    /** The gateway now (another process after a power cut). */
    ServiceProcess gateway() {
        return gateway;
    }

    @Override
    public void powerCut(Duration lasting) throws Exception {
        gateway.kill();
        bluez.powerCycle(lasting);
        Thread.sleep(lasting.toMillis());
        gateway = gatewayStart.start();
        gateway.awaitHealth(200, Duration.ofMinutes(1));
    }

    @Override
    public void wifiLost(Duration lasting) throws Exception {
        wifi.cut();
        Thread.sleep(lasting.toMillis());
        wifi.restore();
    }

    @Override
    public void replayQuarantined(String serial) throws Exception {
        admin.post("/admin/quarantine/replay?device=" + java.net.URLEncoder.encode(serial,
                java.nio.charset.StandardCharsets.UTF_8), "");
    }

    /**
     * Starts them and waits until both services are healthy; the webhook endpoint is registered (all of the
     * tenant's alerts, clinical and operations) and the receiver holds its secret.
     *
     * @param repo the repository's root (the jars under each module's {@code target}, the gateway's {@code jvm.options})
     * @param dir  the run's directory: logs, keys, the gateway's data
     */
    static DemoServices start(StackEnv stack, Path repo, Path dir, HomeLayout layout, ZoneId deviceZone)
            throws Exception {
        Path gatewayData = Files.createDirectories(dir.resolve("gateway-data"));
        layout.writeCoapKeys(gatewayData.resolve("coap-devices.psk"));
        DbusDaemon dbus = DbusDaemon.start(dir.resolve("dbus"));
        SimulatedBluez bluez = null;
        SignedWebhookReceiver receiver = null;
        ServiceProcess ingest = null;
        ServiceProcess gateway = null;
        TcpProxy wifi = null;
        try {
            URI broker = URI.create(stack.mqttsUrl());
            wifi = TcpProxy.to(broker.getHost(), broker.getPort());
            bluez = SimulatedBluez.start(dbus.address(), deviceZone, layout.bleKinds());
            layout.setUp(bluez);
            receiver = SignedWebhookReceiver.start();
            Path ingestJar = repo.resolve("cloud-ingest/target/cloud-ingest.jar");
            Map<String, String> ingestProperties = ingestProperties(stack, dir, layout.run());
            ingestProperties.putAll(layout.cloudSettings());
            ingest = ServiceProcess.start("cloud-ingest", ingestJar, List.of("-Xmx256m",
                    "-XX:+ExitOnOutOfMemoryError"), ingestProperties, dir);
            int coapPort = FreePorts.udp();
            GatewayStart gatewayStart = new GatewayStart(repo.resolve("gateway/target/gateway.jar"),
                    List.of("@" + repo.resolve("deploy/gateway/jvm.options")), gatewayProperties(stack,
                    "ssl://" + broker.getHost() + ":" + wifi.port(), gatewayData, coapPort, dbus.address(), layout,
                    deviceZone), dir);
            gateway = gatewayStart.start();
            ingest.awaitHealth(200, Duration.ofMinutes(2));
            gateway.awaitHealth(200, Duration.ofMinutes(1));
            AdminApi admin = AdminApi.signIn(ingest.url(""), ingestJar, stack);
            com.fasterxml.jackson.databind.JsonNode endpoint = admin.post("/admin/webhooks/endpoints",
                    "{\"url\": \"" + receiver.url() + "\", \"tenants\": [\"" + TENANT + "\"]}");
            receiver.verifyWith(endpoint.get("secret").asText());
            String endpointId = endpoint.path("endpoint").path("id").asText();
            return new DemoServices(stack, dbus, bluez, receiver, ingest, gatewayStart, gateway, wifi,
                    URI.create("coaps://127.0.0.1:" + coapPort), admin, endpointId);
        } catch (Exception e) {
            stop(gateway, ingest, receiver, bluez, dbus, wifi);
            throw e;
        }
    }

    private static Map<String, String> ingestProperties(StackEnv stack, Path dir, String run) {
        Map<String, String> p = new HashMap<>();
        p.put("vitalwire.ingest.mqtt.broker-url", stack.mqttsUrl());
        // A session of its own, gone when the run ends: a later run neither takes over this run's session nor finds
        // it in the share group, queueing part of the readings for a consumer that never comes back. (Taking over
        // an earlier run's session, Debian's Mosquitto 2.0.11 expired the old one later and aborted on an assertion
        // in will_delay__remove.)
        p.put("vitalwire.ingest.mqtt.client-id", "cloud-ingest-demo-" + run);
        p.put("vitalwire.ingest.mqtt.session-expiry", "0s");
        p.put("vitalwire.ingest.mqtt.ca-file", stack.pki().resolve("ca.pem").toString());
        p.put("vitalwire.ingest.mqtt.cert-file", stack.pki().resolve("cloud-ingest.pem").toString());
        p.put("vitalwire.ingest.mqtt.key-file", stack.pki().resolve("cloud-ingest.key").toString());
        p.put("vitalwire.ingest.fhir.url", stack.fhirUrl());
        p.put("vitalwire.ingest.influx.url", stack.influxUrl());
        p.put("vitalwire.ingest.influx.database", stack.influxDb());
        p.put("datasources.default.url", stack.pgUrl());
        p.put("datasources.default.username", stack.pgUser());
        p.put("datasources.default.password", stack.pgPassword()); // through the environment (ServiceProcess)
        // Beside the run directory, not in it (each run empties that): the keys sealing webhook secrets and
        // quarantined payloads must outlive a run, or what earlier runs stored in the shared database is unreadable.
        Path keys = dir.resolveSibling(dir.getFileName() + "-keys");
        p.put("vitalwire.ingest.quarantine.key-file", keys.resolve("quarantine.key").toString());
        p.put("vitalwire.ingest.aliases.key-file", keys.resolve("device-alias.key").toString());
        p.put("vitalwire.ingest.notify.secret-key-file", keys.resolve("webhook-secret.key").toString());
        p.put("micronaut.security.token.jwt.signatures.jwks-static.dev.path", "file:" + stack.adminJwks());
        p.put("micronaut.security.token.jwt.claims-validators.issuer", stack.adminIssuer());
        // A stream's window is written 10 s after it ends rather than 30 s, so the demo need not wait as long; the
        // windows are the same.
        p.put("vitalwire.ingest.window.grace", "10s");
        return p;
    }

    /** @param brokerUrl the broker as the gateway reaches it: through the home's Wi-Fi, the relay */
    private static Map<String, String> gatewayProperties(StackEnv stack, String brokerUrl, Path data, int coapPort,
                                                         String bus, HomeLayout layout, ZoneId deviceZone) {
        Map<String, String> p = new HashMap<>();
        p.put("vitalwire.gateway.id", GATEWAY_ID);
        p.put("vitalwire.gateway.tenant", TENANT);
        p.put("vitalwire.gateway.data-dir", data.toString());
        p.put("vitalwire.gateway.coap.port", String.valueOf(coapPort));
        p.put("vitalwire.gateway.uplink.broker-url", brokerUrl);
        p.put("vitalwire.gateway.uplink.ca-file", stack.pki().resolve("ca.pem").toString());
        p.put("vitalwire.gateway.uplink.cert-file", stack.pki().resolve(GATEWAY_ID + ".pem").toString());
        p.put("vitalwire.gateway.uplink.key-file", stack.pki().resolve(GATEWAY_ID + ".key").toString());
        p.put("vitalwire.gateway.ble.enabled", "true");
        p.put("vitalwire.gateway.ble.bus-address", bus);
        p.put("vitalwire.gateway.ble.allow-list", layout.allowList());
        p.put("vitalwire.gateway.device-time-zone", deviceZone.getId());
        // A hub asks timedatectl whether its clock is synchronised before it corrects device clocks by it; a
        // development machine may have no answer, and the demo's clock is the machine's.
        p.put("vitalwire.gateway.clock-sync", "trusted");
        return p;
    }

    @Override
    public void close() {
        try {
            admin.delete("/admin/webhooks/endpoints/" + endpointId);
        } catch (Exception e) {
            System.err.println("deleting the demo's webhook endpoint: " + e.getMessage());
        }
        stop(gateway, ingest, receiver, bluez, dbus, wifi);
    }

    private static void stop(ServiceProcess gateway, ServiceProcess ingest, SignedWebhookReceiver receiver,
                             SimulatedBluez bluez, DbusDaemon dbus, TcpProxy wifi) {
        for (AutoCloseable c : new AutoCloseable[] {gateway, ingest, receiver, bluez, dbus, wifi}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.err.println("stopping " + c.getClass().getSimpleName() + ": " + e.getMessage());
                }
            }
        }
    }
}
