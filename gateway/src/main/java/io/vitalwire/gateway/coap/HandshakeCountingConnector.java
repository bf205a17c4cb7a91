package io.vitalwire.gateway.coap;

import io.vitalwire.privacy.DeviceAliases;
import java.security.Principal;
import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.Handshaker;
import org.eclipse.californium.scandium.dtls.SessionAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts handshakes of registered devices that never complete. A wrong key for a known identity looks like nothing
 * else on the wire: the device's Finished record fails its integrity check and DTLS drops it silently (RFC 6347
 * §4.1.2.7), so the only trace is this handshake running out of retransmissions. Unknown identities are counted
 * earlier, by {@link CountingPskStore}, and never reach this point with an identity attached.
 */
final class HandshakeCountingConnector extends DTLSConnector {

    private static final Logger LOG = LoggerFactory.getLogger(HandshakeCountingConnector.class);

    private final IntakeCounters counters;
    private final DeviceCredentials credentials;
    private final DeviceAliases aliases;

    /** @param credentials, aliases name the device in the log by its alias, not by its PSK identity */
    HandshakeCountingConnector(DtlsConnectorConfig config, IntakeCounters counters, DeviceCredentials credentials,
                               DeviceAliases aliases) {
        super(config);
        this.counters = counters;
        this.credentials = credentials;
        this.aliases = aliases;
    }

    @Override
    protected void onInitializeHandshaker(Handshaker handshaker) {
        handshaker.addSessionListener(new SessionAdapter() {
            @Override
            public void handshakeFailed(Handshaker failed, Throwable error) {
                Principal peer = failed.getSession().getPeerIdentity();
                if (peer != null) {
                    // The PSK identity is a device identifier: the log names the device by its alias instead.
                    String identity = peer instanceof PreSharedKeyIdentity psk ? psk.getIdentity() : peer.getName();
                    String device = credentials.byPskIdentity(identity).map(d -> aliases.of(d.identity()))
                            .orElse("(unregistered)");
                    LOG.warn("DTLS handshake of registered device {} from {} failed (wrong key, or the device went "
                                    + "away mid-handshake): {}", device, failed.getPeerAddress(),
                            aliases.scrub(String.valueOf(error.getMessage())).replace(identity, device));
                    counters.rejected("handshake-failed");
                }
            }
        });
    }
}
