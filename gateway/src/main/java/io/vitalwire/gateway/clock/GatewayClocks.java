package io.vitalwire.gateway.clock;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The one wall clock every part of the gateway takes its time from (receive times, keys of readings without a device
 * time, acknowledgement and retention times, event times): the system clock in UTC, or, in a fault drill, the system
 * clock moved by {@link ClockConfig#getOffsetFile()}. Intervals (heartbeats, acknowledgement deadlines, retries) are
 * not measured on it but on a {@link MonotonicClock}, which setting the wall clock does not move.
 */
@Factory
class GatewayClocks {

    @Singleton
    Clock wallClock(ClockConfig config) {
        return config.getOffsetFile().<Clock>map(file -> new OffsetFileClock(Path.of(file), Clock.systemUTC()))
                .orElseGet(Clock::systemUTC);
    }
}
