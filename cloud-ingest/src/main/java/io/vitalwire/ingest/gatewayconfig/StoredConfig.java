package io.vitalwire.ingest.gatewayconfig;

import io.vitalwire.contract.GatewayConfig;
import java.time.Instant;

/**
 * One hub's configuration as stored ({@code gateway_config}).
 *
 * @param spec             what the operator asked for
 * @param document         the issued {@link GatewayConfig} of {@code version}, as published
 * @param publishedVersion the last version the broker acknowledged (0: none yet)
 */
public record StoredConfig(String gateway, String tenant, long version, ConfigSpec spec, GatewayConfig document,
                           Instant updatedAt, String updatedBy, long publishedVersion) {

    /** Whether the broker may not hold this version yet. */
    public boolean unpublished() {
        return publishedVersion < version;
    }
}
