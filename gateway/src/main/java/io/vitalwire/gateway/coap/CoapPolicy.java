package io.vitalwire.gateway.coap;

import io.vitalwire.contract.GatewayConfig;
import io.vitalwire.contract.ReadingKey;
import io.vitalwire.contract.DeviceIdentity;
import java.util.Set;

/**
 * What the cloud's configuration (contract 1.2) decides for the CoAP intake, swapped as a whole when a new one is
 * applied: which devices of the PSK file may send (by device id {@code sn.{serial}}; none decided while no
 * configuration was ever applied: every device of the file), and the largest pack accepted — the cloud may lower the
 * local {@code max-payload-bytes} but not raise it, since Californium's block-wise buffer is sized from the local
 * value when the endpoint starts.
 */
final class CoapPolicy {

    /** @param allowed device ids allowed, or null: every device of the PSK file */
    private record Rules(Set<String> allowed, int maxPayloadBytes) {
    }

    private final int localMaxPayloadBytes;
    private volatile Rules rules;

    CoapPolicy(int localMaxPayloadBytes) {
        this.localMaxPayloadBytes = localMaxPayloadBytes;
        this.rules = new Rules(null, localMaxPayloadBytes);
    }

    /** A configuration from the cloud was applied (or loaded at start-up). */
    void apply(GatewayConfig config) {
        Integer remote = config.coap() == null ? null : config.coap().maxPayloadBytes();
        rules = new Rules(Set.copyOf(config.devices().coap()),
                remote == null ? localMaxPayloadBytes : Math.min(remote, localMaxPayloadBytes));
    }

    /** Whether the device (as its PSK file entry names it) may send. */
    boolean allows(DeviceIdentity device) {
        Set<String> allowed = rules.allowed();
        return allowed == null || allowed.contains(ReadingKey.deviceId(device));
    }

    int maxPayloadBytes() {
        return rules.maxPayloadBytes();
    }
}
