package io.vitalwire.gateway.clock;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.util.Optional;

/** The gateway's wall clock ({@code vitalwire.gateway.clock.*}). */
@ConfigurationProperties("vitalwire.gateway.clock")
public interface ClockConfig {

    /**
     * For fault drills only: a file holding an offset (ISO-8601, e.g. {@code PT3H} or {@code -PT2H}) that the
     * gateway adds to the system clock, re-read while it runs, so that a test can set the gateway's clock back and
     * forward by hours without touching the machine's clock. Default none: the system clock as it is.
     */
    Optional<String> getOffsetFile();
}
