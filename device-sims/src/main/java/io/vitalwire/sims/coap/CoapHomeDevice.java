package io.vitalwire.sims.coap;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;

/**
 * A simulated Wi-Fi/Thread home device: posts SenML packs to the gateway's {@code /readings} resource with
 * confirmable CoAP requests over DTLS, authenticated by its pre-shared key (PSK identity = its serial), through
 * Californium's client as a real device's firmware would.
 */
public final class CoapHomeDevice implements AutoCloseable {

    static {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
    }

    /** How long a request may take, retransmissions and handshake included, before it counts as failed. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final HomeDeviceKind kind;
    private final String serial;
    private final CoapClient client;

    /** @param gateway the gateway's {@code coaps://host:port} */
    public CoapHomeDevice(HomeDeviceKind kind, String serial, byte[] key, URI gateway) {
        this(kind, serial, key, gateway, DEFAULT_TIMEOUT);
    }

    /**
     * @param timeout how long to wait for an answer. Fault scripts that restart the gateway give up sooner: a
     *                restarted gateway has forgotten the DTLS session, so a request on it can only time out, and
     *                what gets through is a new device object with a new handshake
     */
    public CoapHomeDevice(HomeDeviceKind kind, String serial, byte[] key, URI gateway, Duration timeout) {
        this.kind = kind;
        this.serial = serial;
        Configuration config = Configuration.createStandardWithoutFile();
        DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(config)
                .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY)
                .setAdvancedPskStore(new AdvancedSinglePskStore(serial, key))
                .build();
        this.client = new CoapClient(gateway.resolve("/readings"));
        client.setEndpoint(new CoapEndpoint.Builder().setConfiguration(config).setConnector(new DTLSConnector(dtls))
                .build());
        client.setTimeout(timeout.toMillis());
    }

    public CoapHomeDevice(HomeDeviceCredential credential, URI gateway) {
        this(credential.kind(), credential.serial(), credential.key(), gateway);
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
        return exchange(payload).getCode();
    }

    /** Sends one measurement taken at {@code at}; the whole response, for tests of its options (Max-Age). */
    public CoapResponse measureExchange(Instant at, int seed) throws IOException {
        return exchange(SenmlPacks.measurement(kind, serial, at, seed));
    }

    private CoapResponse exchange(String payload) throws IOException {
        try {
            CoapResponse response = client.post(payload.getBytes(StandardCharsets.UTF_8),
                    MediaTypeRegistry.APPLICATION_SENML_JSON);
            if (response == null) {
                throw new IOException("no response from " + client.getURI() + " (DTLS handshake refused?)");
            }
            return response;
        } catch (ConnectorException e) {
            throw new IOException(e);
        }
    }

    @Override
    public void close() {
        client.shutdown();
    }
}
