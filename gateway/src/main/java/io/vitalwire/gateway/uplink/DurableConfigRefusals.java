package io.vitalwire.gateway.uplink;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ContractVersion;
import io.vitalwire.contract.GatewayEvent;
import io.vitalwire.gateway.buffer.BufferException;
import io.vitalwire.gateway.buffer.EventOutbox;
import io.vitalwire.gateway.identity.GatewayConfig;
import io.vitalwire.gateway.remote.ConfigRefusals;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refused configurations as the contract's {@code config-refused} events, kept in the {@link EventOutbox} until the
 * broker acknowledged them, like device events ({@link DurableDeviceEvents}): the operator who issued the version
 * must learn that the hub kept its last good one, also when the refusal happened while the uplink was down.
 *
 * <p>Metrics: {@code vitalwire.gateway.config.refused{reason}} (each refusal, whatever becomes of its event: the
 * hub's own dashboards see why it keeps an older version) and {@code vitalwire.gateway.events{type=config-refused,
 * outcome=queued|lost}}.
 */
@Singleton
public class DurableConfigRefusals implements ConfigRefusals {

    private static final Logger LOG = LoggerFactory.getLogger(DurableConfigRefusals.class);

    private final ContractCodec codec = new ContractCodec();
    private final EventOutbox outbox;
    private final String gatewayId;
    private final MeterRegistry meters;
    private final Clock clock;

    public DurableConfigRefusals(EventOutbox outbox, GatewayConfig gateway, MeterRegistry meters, Clock clock) {
        this.outbox = outbox;
        this.gatewayId = gateway.getId();
        this.meters = meters;
        this.clock = clock;
    }

    @Override
    public void refused(Long version, String reason) {
        meters.counter("vitalwire.gateway.config.refused", "reason", reason).increment();
        Map<String, String> attributes = new HashMap<>();
        attributes.put("reason", reason);
        if (version != null) {
            attributes.put("version", Long.toString(version));
        }
        try {
            outbox.append(codec.encode(new GatewayEvent(ContractVersion.CURRENT, gatewayId, clock.instant(),
                    GatewayEvent.CONFIG_REFUSED, attributes)));
            count("queued");
        } catch (BufferException | IllegalArgumentException e) {
            count("lost");
            LOG.warn("a config-refused event could not be queued and is lost: {}", e.getMessage());
        }
    }

    private void count(String outcome) {
        meters.counter("vitalwire.gateway.events", "type", GatewayEvent.CONFIG_REFUSED, "outcome", outcome)
                .increment();
    }
}
