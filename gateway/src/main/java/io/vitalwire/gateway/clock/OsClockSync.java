package io.vitalwire.gateway.clock;

import io.micronaut.context.annotation.Value;
import io.vitalwire.contract.ClockSync;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway clock's state as the OS reports it: {@code timedatectl show -p NTPSynchronized --value} ("yes"/"no"),
 * asked at most once a minute. Without timedatectl (no systemd, a container) the state is unknown.
 *
 * <p>{@code vitalwire.gateway.clock-sync=trusted} makes the operator vouch for the clock instead (chrony or a GPS
 * source that timedatectl does not see; the integration tests use it); {@code unsynced} declares it not synchronised
 * whatever the OS says (a gateway known to have no time source, and the tests of that case); {@code os}, the default,
 * asks the OS.
 */
@Singleton
public class OsClockSync implements GatewayClockSync {

    private static final Logger LOG = LoggerFactory.getLogger(OsClockSync.class);
    private static final Duration CACHE = Duration.ofMinutes(1);
    private static final long TIMEOUT_MILLIS = 2_000;

    /** The operator's answer, or null to ask the OS. */
    private final ClockSync declared;
    private final Clock clock;
    private ClockSync cached = ClockSync.UNKNOWN;
    private Instant askedAt = Instant.MIN;

    @Inject
    public OsClockSync(@Value("${vitalwire.gateway.clock-sync:os}") String mode) {
        this(mode, Clock.systemUTC());
    }

    OsClockSync(String mode, Clock clock) {
        String m = mode == null ? "os" : mode.trim().toLowerCase(Locale.ROOT);
        this.declared = switch (m) {
            case "os" -> null;
            case "trusted" -> ClockSync.SYNCED;
            case "unsynced" -> ClockSync.UNSYNCED;
            default -> throw new IllegalArgumentException("vitalwire.gateway.clock-sync must be 'os', 'trusted' or"
                    + " 'unsynced', not '" + mode + "'");
        };
        this.clock = clock;
    }

    @Override
    public synchronized ClockSync state() {
        if (declared != null) {
            return declared;
        }
        Instant now = clock.instant();
        if (askedAt.equals(Instant.MIN) || !now.isBefore(askedAt.plus(CACHE))) {
            cached = askOs();
            askedAt = now;
        }
        return cached;
    }

    /** Parses timedatectl's answer; anything but yes/no is unknown. */
    static ClockSync parse(String answer) {
        String a = answer == null ? "" : answer.trim().toLowerCase(Locale.ROOT);
        return switch (a) {
            case "yes" -> ClockSync.SYNCED;
            case "no" -> ClockSync.UNSYNCED;
            default -> ClockSync.UNKNOWN;
        };
    }

    private static ClockSync askOs() {
        try {
            Process p = new ProcessBuilder("timedatectl", "show", "-p", "NTPSynchronized", "--value")
                    .redirectErrorStream(false).start();
            p.getOutputStream().close();
            if (!p.waitFor(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return ClockSync.UNKNOWN;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            return p.exitValue() == 0 ? parse(out) : ClockSync.UNKNOWN;
        } catch (IOException e) {
            LOG.debug("timedatectl not available: {}", e.getMessage());
            return ClockSync.UNKNOWN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ClockSync.UNKNOWN;
        }
    }
}
