package io.vitalwire.gateway.remote;

import io.vitalwire.contract.GatewayConfig;

/**
 * A check a part of the gateway makes of a configuration before {@link RemoteConfig} applies it, beyond what the
 * contract checks: e.g. that the BLE adapter can use every allow-list entry. A configuration one check refuses is
 * refused as a whole, so no part applies a configuration another part could not.
 */
public interface ConfigCheck {

    /** @throws IllegalArgumentException what is wrong, without device identifiers (it is logged) */
    void check(GatewayConfig config);
}
