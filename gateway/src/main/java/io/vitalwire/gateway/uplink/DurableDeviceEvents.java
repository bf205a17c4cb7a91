package io.vitalwire.gateway.uplink;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ContractVersion;
import io.vitalwire.contract.GatewayEvent;
import io.vitalwire.gateway.buffer.BufferException;
import io.vitalwire.gateway.buffer.EventOutbox;
import io.vitalwire.gateway.events.DeviceEvent;
import io.vitalwire.gateway.events.DeviceEvents;
import io.vitalwire.gateway.identity.GatewayConfig;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transports' device events, encoded once as the contract's {@link GatewayEvent} and kept in the
 * {@link EventOutbox} until the broker acknowledged them ({@link EventReporter}): so a low-battery report made while
 * the broker is down, or just before the gateway restarts, still reaches the cloud. Why durable rather than
 * fire-and-forget like a heartbeat: a heartbeat is replaced by the next one 30 s later, a battery level read at a
 * connection may not come again for a day.
 *
 * <p>Metric: {@code vitalwire.gateway.events{type, outcome=queued|lost|dropped}} (lost: the outbox could not commit
 * it; dropped, with type {@code any}: older events given up at the outbox's bound). Logs never name the device.
 */
@Singleton
public class DurableDeviceEvents implements DeviceEvents {

    private static final Logger LOG = LoggerFactory.getLogger(DurableDeviceEvents.class);

    private final ContractCodec codec = new ContractCodec();
    private final EventOutbox outbox;
    private final String gatewayId;
    private final MeterRegistry meters;

    public DurableDeviceEvents(EventOutbox outbox, GatewayConfig gateway, MeterRegistry meters) {
        this.outbox = outbox;
        this.gatewayId = gateway.getId();
        this.meters = meters;
    }

    @Override
    public void report(DeviceEvent event) {
        try {
            byte[] payload = codec.encode(new GatewayEvent(ContractVersion.CURRENT, gatewayId, event.at(),
                    event.type(), event.attributes()));
            int dropped = outbox.append(payload);
            count(event.type(), "queued", 1);
            if (dropped > 0) {
                count("any", "dropped", dropped);
                LOG.warn("{} device events waiting for the broker were dropped: the outbox keeps the latest {}",
                        dropped, EventOutbox.MAX_QUEUED);
            }
        } catch (BufferException e) {
            count(event.type(), "lost", 1);
            LOG.warn("a {} event could not be queued and is lost: {}", event.type(), e.getMessage());
        } catch (IllegalArgumentException e) {
            // The contract's message would quote the attributes: the device's id stays out of the log.
            count(event.type(), "lost", 1);
            LOG.warn("a {} event breaks the contract and is lost", event.type());
        }
    }

    private void count(String type, String outcome, int n) {
        meters.counter("vitalwire.gateway.events", "type", type, "outcome", outcome).increment(n);
    }
}
