package io.vitalwire.gateway.identity;

import io.micronaut.context.annotation.Factory;
import io.vitalwire.privacy.DeviceAliases;
import jakarta.inject.Singleton;
import java.nio.file.Path;

/**
 * The gateway's {@link DeviceAliases}: under the key in {@code <data-dir>/device-alias.key}, generated (mode 0600) on
 * first start; a key file that group or others may read stops the gateway at start-up.
 */
@Factory
public class GatewayAliases {

    /** The key's file in the gateway's data directory. */
    public static final String KEY_FILE = "device-alias.key";

    @Singleton
    DeviceAliases deviceAliases(GatewayConfig gateway) {
        return load(gateway.getDataDir());
    }

    /** The aliases of the gateway whose data directory this is; the key is generated (mode 0600) if it has none. */
    public static DeviceAliases load(Path dataDir) {
        return DeviceAliases.load(dataDir.resolve(KEY_FILE));
    }

    /** As {@link DeviceAliases#existing}: the key of the gateway whose data directory this is, never a new one. */
    public static DeviceAliases existing(Path dataDir) {
        return DeviceAliases.existing(dataDir.resolve(KEY_FILE),
                "check the data directory, vitalwire.gateway.data-dir");
    }
}
