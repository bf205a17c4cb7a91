package io.vitalwire.sims.coap;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.elements.exception.ConnectorException;

/**
 * A simulated Wi-Fi/Thread home device: posts SenML packs to the gateway's {@code /readings} resource with
 * confirmable CoAP requests, through Californium's client as a real device's firmware would.
 */
public final class CoapHomeDevice implements AutoCloseable {

    static {
        CoapConfig.register();
        UdpConfig.register();
    }

    private final HomeDeviceKind kind;
    private final String serial;
    private final CoapClient client;

    public CoapHomeDevice(HomeDeviceKind kind, String serial, URI gateway) {
        this.kind = kind;
        this.serial = serial;
        Configuration config = Configuration.createStandardWithoutFile();
        this.client = new CoapClient(gateway.resolve("/readings"));
        client.setEndpoint(new CoapEndpoint.Builder().setConfiguration(config).build());
        client.setTimeout(10_000L);
    }

    public HomeDeviceKind kind() {
        return kind;
    }

    public String serial() {
        return serial;
    }

    /** Sends one measurement taken at {@code at}; returns the gateway's response code. */
    public CoAP.ResponseCode measure(Instant at, int seed) throws IOException {
        return post(SenmlPacks.measurement(kind, serial, at, seed));
    }

    /** Sends any payload as SenML JSON, well-formed or not: for fault scripts. */
    public CoAP.ResponseCode post(String payload) throws IOException {
        try {
            CoapResponse response = client.post(payload.getBytes(StandardCharsets.UTF_8),
                    MediaTypeRegistry.APPLICATION_SENML_JSON);
            if (response == null) {
                throw new IOException("no response from " + client.getURI());
            }
            return response.getCode();
        } catch (ConnectorException e) {
            throw new IOException(e);
        }
    }

    @Override
    public void close() {
        client.shutdown();
    }
}
