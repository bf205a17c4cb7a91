package io.vitalwire.gateway.coap;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.vitalwire.gateway.identity.GatewayConfig;
import io.vitalwire.gateway.remote.RemoteConfig;
import io.vitalwire.gateway.intake.ReadingIntake;
import io.vitalwire.privacy.DeviceAliases;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.interceptors.MessageInterceptorAdapter;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedMultiPskStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CoAP server for home devices: one DTLS endpoint (Scandium, pre-shared key per device) with the
 * {@code /readings} resource. Californium's stack brings CON retransmission deduplication and block-wise transfer.
 */
@Context
@Requires(property = "vitalwire.gateway.coap.enabled", notEquals = "false")
public class CoapIntake implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CoapIntake.class);

    static {
        org.eclipse.californium.core.config.CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
    }

    private final CoapServer server;
    private final CoapEndpoint endpoint;

    @Inject
    CoapIntake(CoapConfig config, GatewayConfig gateway, ReadingIntake intake, IntakeCounters counters,
               DeviceAliases aliases, RemoteConfig remote, Clock clock) {
        this(config, DeviceCredentials.load(config.getPskFile().map(Path::of)
                .orElse(gateway.getDataDir().resolve("coap-devices.psk"))), intake, counters, clock, aliases,
                policy(config, remote));
    }

    /** The cloud's last good configuration's rules, followed as new ones are applied; else the local ones. */
    private static CoapPolicy policy(CoapConfig config, RemoteConfig remote) {
        CoapPolicy policy = new CoapPolicy(config.getMaxPayloadBytes());
        remote.applied().ifPresent(policy::apply);
        remote.onApplied(policy::apply);
        return policy;
    }

    CoapIntake(CoapConfig config, DeviceCredentials credentials, ReadingIntake intake, IntakeCounters counters,
               Clock clock, DeviceAliases aliases) {
        this(config, credentials, intake, counters, clock, aliases, new CoapPolicy(config.getMaxPayloadBytes()));
    }

    /**
     * @param clock   the gateway's clock: a pack's receive time, the reference of SenML's relative times
     * @param aliases how logs name devices (never by PSK identity or serial)
     */
    CoapIntake(CoapConfig config, DeviceCredentials credentials, ReadingIntake intake, IntakeCounters counters,
               Clock clock, DeviceAliases aliases, CoapPolicy policy) {
        Configuration cf = californiumConfiguration(config);
        AdvancedMultiPskStore keys = new AdvancedMultiPskStore();
        credentials.all().forEach(d -> keys.setKey(d.pskIdentity(), d.key()));
        DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(cf)
                .setAddress(new InetSocketAddress(config.getBindAddress(), config.getPort()))
                .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.SERVER_ONLY)
                .setAsList(DtlsConfig.DTLS_CIPHER_SUITES, CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256,
                        CipherSuite.TLS_PSK_WITH_AES_128_CCM_8)
                .set(DtlsConfig.DTLS_MAX_RETRANSMISSIONS, config.getHandshakeRetransmissions())
                .set(DtlsConfig.DTLS_MAX_CONNECTIONS, config.getMaxPeers())
                // A device that wakes on a new port makes a new connection; the old one would sit until stale.
                .set(DtlsConfig.DTLS_REMOVE_STALE_DOUBLE_PRINCIPALS, true)
                .setAdvancedPskStore(new CountingPskStore(keys, counters))
                .build();
        // The connector counts registered devices whose handshakes fail (a wrong key is visible nowhere else).
        endpoint = new CoapEndpoint.Builder().setConfiguration(cf).setConnector(new HandshakeCountingConnector(dtls, counters, credentials, aliases)).build();
        // Block-wise transfers larger than the limit are refused by Californium before any resource sees them;
        // counting every 4.13 on its way out counts those too, in one place.
        endpoint.addInterceptor(new MessageInterceptorAdapter() {
            @Override
            public void sendResponse(Response response) {
                if (response.getCode() == CoAP.ResponseCode.REQUEST_ENTITY_TOO_LARGE) {
                    counters.rejected("too-large");
                }
            }
        });
        server = new CoapServer(cf);
        server.addEndpoint(endpoint);
        server.add(new SenmlReadingsResource(credentials, intake, counters, policy, clock, aliases));
        server.start();
        LOG.info("CoAP intake listening on coaps://{} for {} registered devices", endpoint.getAddress(),
                credentials.all().size());
    }

    /**
     * Californium's settings for a home hub rather than a server farm. Its defaults size the stack for 150,000 peers
     * and remember every confirmable exchange for its whole 247 s lifetime to recognise retransmissions: two
     * thermometers sending as fast as they are answered (~1,400 requests/s) filled a 256 MB heap in a minute. Here
     * each peer keeps its latest {@code dedup-window} exchanges. A retransmission older than that is processed again,
     * which is harmless: the buffer recognises the reading by its key and answers 2.04 once more.
     */
    private static Configuration californiumConfiguration(CoapConfig config) {
        // Without a file: Californium would otherwise write Californium3.properties into the working directory.
        Configuration cf = Configuration.createStandardWithoutFile();
        cf.set(org.eclipse.californium.core.config.CoapConfig.MAX_RESOURCE_BODY_SIZE, config.getMaxPayloadBytes());
        cf.set(org.eclipse.californium.core.config.CoapConfig.DEDUPLICATOR,
                org.eclipse.californium.core.config.CoapConfig.DEDUPLICATOR_PEERS_MARK_AND_SWEEP);
        cf.set(org.eclipse.californium.core.config.CoapConfig.PEERS_MARK_AND_SWEEP_MESSAGES, config.getDedupWindow());
        cf.set(org.eclipse.californium.core.config.CoapConfig.MAX_ACTIVE_PEERS, config.getMaxPeers());
        return cf;
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
