package io.vitalwire.gateway.coap;

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

    HandshakeCountingConnector(DtlsConnectorConfig config, IntakeCounters counters) {
        super(config);
        this.counters = counters;
    }

    @Override
    protected void onInitializeHandshaker(Handshaker handshaker) {
        handshaker.addSessionListener(new SessionAdapter() {
            @Override
            public void handshakeFailed(Handshaker failed, Throwable error) {
                if (failed.getSession().getPeerIdentity() != null) {
                    // The PSK identity names a device, not a patient: safe to log, and what an installer needs.
                    LOG.warn("DTLS handshake of registered device {} from {} failed (wrong key, or the device went "
                                    + "away mid-handshake): {}", failed.getSession().getPeerIdentity().getName(),
                            failed.getPeerAddress(), error.getMessage());
                    counters.rejected("handshake-failed");
                }
            }
        });
    }
}
