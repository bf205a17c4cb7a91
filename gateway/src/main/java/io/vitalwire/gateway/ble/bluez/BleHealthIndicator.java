package io.vitalwire.gateway.ble.bluez;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import org.reactivestreams.Publisher;

/**
 * Health of the BLE input: DOWN while BlueZ is unreachable or the adapter is missing or off, since no BLE reading
 * can arrive then. Readings already in the buffer are unaffected.
 */
@Singleton
@Requires(beans = BluezIntake.class)
class BleHealthIndicator implements HealthIndicator {

    private final BluezIntake intake;

    BleHealthIndicator(BluezIntake intake) {
        this.intake = intake;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        BleState s = intake.state();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("adapter", s.summary());
        details.put("discovering", s.discovering());
        details.put("devicesKnown", s.devicesKnown());
        details.put("devicesActive", s.devicesActive());
        HealthStatus status = s.busConnected() && s.adapterPresent() && s.powered() ? HealthStatus.UP
                : HealthStatus.DOWN;
        return Publishers.just(HealthResult.builder("ble", status).details(details).build());
    }
}
