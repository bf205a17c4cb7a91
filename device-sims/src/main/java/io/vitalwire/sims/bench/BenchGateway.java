package io.vitalwire.sims.bench;

import io.micronaut.context.ApplicationContext;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The real gateway, in-process (its Micronaut context), for benchmarks; management server off, BLE off. */
final class BenchGateway {

    private BenchGateway() {
    }

    /**
     * @param brokerUrl where the uplink sends; {@code tcp://127.0.0.1:1} keeps it from draining at all
     * @param extra     further properties, e.g. the CoAP port or switching CoAP off
     */
    static ApplicationContext start(String gatewayId, Path dataDir, String brokerUrl, Map<String, Object> extra) {
        Map<String, Object> properties = new HashMap<>(Map.of(
                "vitalwire.gateway.id", gatewayId,
                "vitalwire.gateway.data-dir", dataDir.toString(),
                "vitalwire.gateway.uplink.broker-url", brokerUrl,
                "micronaut.server.port", -1));
        properties.putAll(extra);
        return ApplicationContext.run(properties);
    }

    /** The dev stack's broker ({@code deploy/dev/stack.sh env}). */
    static String brokerUrl() {
        String url = System.getenv("VW_MQTT_URL");
        return url == null ? "tcp://127.0.0.1:11883" : url;
    }
}
