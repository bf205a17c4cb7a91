package io.vitalwire.gateway.uplink;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.vitalwire.gateway.buffer.BufferStats;
import io.vitalwire.gateway.buffer.ReadingBuffer;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.reactivestreams.Publisher;

/**
 * Health of the path to the cloud: the uplink's state and the buffer behind it. DOWN while disconnected: readings
 * are still accepted and kept, but they are not reaching clinicians. {@code unsent} counts every reading not yet
 * receipted by cloud-ingest, of which {@code inFlight} await the broker's PUBACK and {@code awaitingReceipt} the
 * receipt; {@code oldestUnreceiptedAgeMillis} is the oldest of them.
 */
@Singleton
class UplinkHealthIndicator implements HealthIndicator {

    private final MqttUplink uplink;
    private final ReadingBuffer buffer;

    UplinkHealthIndicator(MqttUplink uplink, ReadingBuffer buffer) {
        this.uplink = uplink;
        this.buffer = buffer;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        UplinkState state = uplink.state();
        BufferStats stats = buffer.stats();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("uplink", state.wireName());
        details.put("unsent", stats.unsent());
        details.put("inFlight", stats.inFlight());
        details.put("awaitingReceipt", stats.awaitingReceipt());
        details.put("acknowledged", stats.acknowledged());
        details.put("oldestUnreceiptedAgeMillis", stats.oldestUnsentAge().map(Duration::toMillis).orElse(null));
        HealthStatus status = state == UplinkState.CONNECTED ? HealthStatus.UP : HealthStatus.DOWN;
        return Publishers.just(HealthResult.builder("uplink", status).details(details).build());
    }
}
