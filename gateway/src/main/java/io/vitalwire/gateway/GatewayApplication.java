package io.vitalwire.gateway;

import io.micronaut.runtime.Micronaut;

/**
 * The home gateway. Its pipeline, top-down: device sources ({@code coap}) → {@code normalize} → durable
 * {@code buffer} → {@code uplink} over MQTT. Each stage is one package with one entry type.
 */
public final class GatewayApplication {

    private GatewayApplication() {
    }

    public static void main(String[] args) {
        Micronaut.run(GatewayApplication.class, args);
    }
}
