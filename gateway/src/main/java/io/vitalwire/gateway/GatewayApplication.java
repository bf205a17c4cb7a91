package io.vitalwire.gateway;

import io.micronaut.runtime.Micronaut;
import io.vitalwire.gateway.cli.AliasCommand;
import io.vitalwire.gateway.cli.DecodeCommand;
import java.util.List;

/**
 * The home gateway. Its pipeline, top-down: device sources ({@code coap}) → {@code normalize} → durable
 * {@code buffer} → {@code uplink} over MQTT. Each stage is one package with one entry type.
 */
public final class GatewayApplication {

    private GatewayApplication() {
    }

    /**
     * {@code java -jar gateway.jar} runs the gateway; {@code java -jar gateway.jar decode} runs the operators' GATT
     * decoder on standard input without starting anything else; {@code java -jar gateway.jar alias <device>…} prints
     * the alias by which the logs name a device.
     */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("decode")) {
            System.exit(new DecodeCommand().run(System.in, System.out));
        }
        if (args.length > 0 && args[0].equals("alias")) {
            System.exit(new AliasCommand().run(List.of(args).subList(1, args.length),
                    System.getenv("VITALWIRE_GATEWAY_DATA_DIR"), System.out, System.err));
        }
        Micronaut.run(GatewayApplication.class, args);
    }
}
