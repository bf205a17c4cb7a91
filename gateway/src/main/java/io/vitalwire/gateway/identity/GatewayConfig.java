package io.vitalwire.gateway.identity;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.nio.file.Path;

/** Who this gateway is and where it keeps its state ({@code vitalwire.gateway.*}). */
@ConfigurationProperties("vitalwire.gateway")
public interface GatewayConfig {

    /** Operator-assigned gateway id; a topic segment, so letters, digits, '-' and '_' only. No default: required. */
    String getId();

    /** The operator's tenant; the topic segment before the gateway id. Default {@code default}. */
    @Bindable(defaultValue = "default")
    String getTenant();

    /** Directory for the durable buffer and other state. Default {@code /var/lib/vitalwire}. */
    @Bindable(defaultValue = "/var/lib/vitalwire")
    Path getDataDir();

    /**
     * Time zone of the devices' local clocks (BLE devices encode local time without a zone). Default: the gateway's
     * system zone, which an installer sets to the patient's home.
     */
    @Bindable(defaultValue = "")
    String getDeviceTimeZone();
}
