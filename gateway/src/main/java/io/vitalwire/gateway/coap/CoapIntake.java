package io.vitalwire.gateway.coap;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.vitalwire.gateway.buffer.ReadingBuffer;
import io.vitalwire.gateway.normalize.Normalizer;
import jakarta.annotation.PreDestroy;
import java.net.InetSocketAddress;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The CoAP server for home devices: one endpoint, the {@code /readings} resource. */
@Context
@Requires(property = "vitalwire.gateway.coap.enabled", notEquals = "false")
public class CoapIntake implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CoapIntake.class);

    static {
        org.eclipse.californium.core.config.CoapConfig.register();
        UdpConfig.register();
    }

    private final CoapServer server;
    private final CoapEndpoint endpoint;

    CoapIntake(CoapConfig config, Normalizer normalizer, ReadingBuffer buffer, IntakeCounters counters) {
        // Without a file: Californium would otherwise write Californium3.properties into the working directory.
        Configuration cf = Configuration.createStandardWithoutFile();
        endpoint = new CoapEndpoint.Builder()
                .setConfiguration(cf)
                .setInetSocketAddress(new InetSocketAddress(config.getBindAddress(), config.getPort()))
                .build();
        server = new CoapServer(cf);
        server.addEndpoint(endpoint);
        server.add(new SenmlReadingsResource(normalizer, buffer, counters, config.getMaxPayloadBytes()));
        server.start();
        LOG.info("CoAP intake listening on {}", endpoint.getAddress());
    }

    /** The bound port (useful when configured as 0). */
    public int port() {
        return endpoint.getAddress().getPort();
    }

    @PreDestroy
    @Override
    public void close() {
        server.destroy();
    }
}
