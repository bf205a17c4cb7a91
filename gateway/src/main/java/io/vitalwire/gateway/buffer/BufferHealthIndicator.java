package io.vitalwire.gateway.buffer;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.reactivestreams.Publisher;

/**
 * Health of the buffer: DOWN while its disk is full or it refuses a lane at capacity (readings are being turned
 * away), or while its
 * oldest unsent reading — one no receipt of cloud-ingest has named yet — is older than
 * {@code vitalwire.gateway.buffer.oldest-unsent-alarm} (readings are not reaching clinicians). The {@code alarms} detail says which, in words an operator can act on.
 */
@Singleton
class BufferHealthIndicator implements HealthIndicator {

    private final ReadingBuffer buffer;
    private final Duration oldestUnsentAlarm;

    BufferHealthIndicator(ReadingBuffer buffer, BufferConfig config) {
        this.buffer = buffer;
        this.oldestUnsentAlarm = config.getOldestUnsentAlarm();
    }

    @Override
    public Publisher<HealthResult> getResult() {
        BufferStats stats = buffer.stats();
        List<String> alarms = alarms(stats, oldestUnsentAlarm);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("alarms", alarms);
        details.put("usedBytes", stats.usedBytes());
        details.put("maxBytes", stats.maxBytes());
        details.put("refusedLanes", stats.refusedLanes());
        details.put("unsentByLane", stats.unsentByLane());
        details.put("oldestUnreceiptedAgeMillis", stats.oldestUnsentAge().map(Duration::toMillis).orElse(null));
        details.put("awaitingReceipt", stats.awaitingReceipt());
        details.put("unreadable", stats.unreadable());
        details.put("unreportedGaps", stats.unreportedGaps());
        HealthStatus status = alarms.isEmpty() ? HealthStatus.UP : HealthStatus.DOWN;
        return Publishers.just(HealthResult.builder("buffer", status).details(details).build());
    }

    static List<String> alarms(BufferStats stats, Duration oldestUnsentAlarm) {
        List<String> alarms = new ArrayList<>();
        stats.diskFullSince().ifPresent(since -> alarms.add("disk full since " + since
                + ": the buffer cannot commit, every reading is refused; free space on its filesystem"));
        List<Lane> refused = stats.refusedLanes();
        if (!refused.isEmpty()) {
            alarms.add(String.format("at capacity: %d of %d bytes used, refusing %s readings", stats.usedBytes(),
                    stats.maxBytes(), refused));
        }
        stats.oldestUnsentAge().filter(age -> age.compareTo(oldestUnsentAlarm) > 0).ifPresent(age ->
                alarms.add("oldest reading not yet receipted by cloud-ingest is " + age.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                        + " old, above the alarm at " + oldestUnsentAlarm));
        return alarms;
    }
}
