package io.vitalwire.ingest.aliases;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.vitalwire.privacy.DeviceAliases;

/**
 * cloud-ingest's {@link DeviceAliases}: the gateway's derivation under cloud-ingest's own key (a gateway's key stays on
 * its hub), loaded at start-up so that a shared or malformed key file stops the service at once. The same instance
 * scrubs every log line ({@link ScrubbedMessageConverter}), libraries' included.
 */
@Factory
public class IngestAliases {

    @Context
    DeviceAliases deviceAliases(AliasConfig config) {
        DeviceAliases aliases = DeviceAliases.load(config.getKeyFile());
        ScrubbedMessageConverter.use(aliases);
        return aliases;
    }
}
