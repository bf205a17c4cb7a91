package io.vitalwire.ingest.operations;

import io.vitalwire.contract.GatewayEvent;
import jakarta.inject.Singleton;
import java.sql.SQLException;

/**
 * The operations alerts a gateway event calls for: {@code device-battery} → {@link BatteryAlerts},
 * {@code gap} → {@link GapAlerts}; other types call for none. Judged for every delivery of an event, stored now or
 * before: the judgement is idempotent (a redelivery raises nothing new), so an event stored by a replica that died
 * before judging it is judged when the broker delivers it again.
 */
@Singleton
public class OperationsEvents {

    private final BatteryAlerts battery;
    private final GapAlerts gaps;

    OperationsEvents(BatteryAlerts battery, GapAlerts gaps) {
        this.battery = battery;
        this.gaps = gaps;
    }

    /**
     * Returns once what the event calls for is committed. Any exception means "not judged": the message must not be
     * acknowledged.
     */
    public void received(String tenant, GatewayEvent event) {
        try {
            switch (event.type()) {
                case GatewayEvent.DEVICE_BATTERY -> battery.reported(tenant, event.gatewayId(),
                        event.attributes().get("device"), Integer.parseInt(event.attributes().get("level")),
                        event.at());
                case GatewayEvent.GAP -> gaps.reported(tenant, event);
                default -> {
                    // connections and the rest are stored and listed, nothing more
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot judge a gateway event: " + e.getMessage(), e);
        }
    }
}
