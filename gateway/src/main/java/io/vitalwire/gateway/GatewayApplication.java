package io.vitalwire.gateway;

import io.micronaut.runtime.Micronaut;
import io.vitalwire.gateway.cli.DecodeCommand;

/**
 * The home gateway. Its pipeline, top-down: device sources ({@code coap}) → {@code normalize} → durable
 * {@code buffer} → {@code uplink} over MQTT. Each stage is one package with one entry type.
 */
public final class GatewayApplication {

    private GatewayApplication() {
    }

    /**
     * {@code java -jar gateway.jar} runs the gateway; {@code java -jar gateway.jar decode} runs the operators' GATT
     * decoder on standard input without starting anything else.
     */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("decode")) {
            System.exit(new DecodeCommand().run(System.in, System.out));
        }
        Micronaut.run(GatewayApplication.class, args);
    }
}
