package io.vitalwire.gateway.coap;

import java.net.InetSocketAddress;
import javax.crypto.SecretKey;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.HandshakeResultHandler;
import org.eclipse.californium.scandium.dtls.PskPublicInformation;
import org.eclipse.californium.scandium.dtls.PskSecretResult;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedPskStore;
import org.eclipse.californium.scandium.util.ServerNames;

/**
 * The device keys, as Scandium asks for them during a handshake, counting the identities nobody registered: such a
 * device is refused in the handshake and never reaches the resource, so this is where its refusal is counted.
 */
final class CountingPskStore implements AdvancedPskStore {

    private final AdvancedPskStore keys;
    private final IntakeCounters counters;

    CountingPskStore(AdvancedPskStore keys, IntakeCounters counters) {
        this.keys = keys;
        this.counters = counters;
    }

    @Override
    public PskSecretResult requestPskSecretResult(ConnectionId cid, ServerNames serverName,
                                                  PskPublicInformation identity, String hmacAlgorithm,
                                                  SecretKey otherSecret, byte[] seed,
                                                  boolean useExtendedMasterSecret) {
        PskSecretResult result = keys.requestPskSecretResult(cid, serverName, identity, hmacAlgorithm, otherSecret,
                seed, useExtendedMasterSecret);
        if (result != null && result.getSecret() == null) {
            counters.rejected("unknown-device");
        }
        return result;
    }

    @Override
    public boolean hasEcdhePskSupported() {
        return keys.hasEcdhePskSupported();
    }

    @Override
    public PskPublicInformation getIdentity(InetSocketAddress peerAddress, ServerNames virtualHost) {
        return keys.getIdentity(peerAddress, virtualHost);
    }

    @Override
    public void setResultHandler(HandshakeResultHandler resultHandler) {
        keys.setResultHandler(resultHandler);
    }
}
