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
import java.util.function.Supplier;
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
    private final Supplier<ClockSync> os;
    private ClockSync cached = ClockSync.UNKNOWN;
    private Instant askedAt = Instant.MIN;

    /** On the system clock: for tests and tools. */
    public OsClockSync(String mode) {
        this(mode, Clock.systemUTC());
    }

    @Inject
    public OsClockSync(@Value("${vitalwire.gateway.clock-sync:os}") String mode, Clock clock) {
        this(mode, clock, OsClockSync::askOs);
    }

    /** @param os asks the operating system (timedatectl) */
    OsClockSync(String mode, Clock clock, Supplier<ClockSync> os) {
        String m = mode == null ? "os" : mode.trim().toLowerCase(Locale.ROOT);
        this.declared = switch (m) {
            case "os" -> null;
            case "trusted" -> ClockSync.SYNCED;
            case "unsynced" -> ClockSync.UNSYNCED;
            default -> throw new IllegalArgumentException("vitalwire.gateway.clock-sync must be 'os', 'trusted' or"
                    + " 'unsynced', not '" + mode + "'");
        };
        this.clock = clock;
        this.os = os;
    }

    @Override
    public synchronized ClockSync state() {
        if (declared != null) {
            return declared;
        }
        Instant now = clock.instant();
        // A clock now behind the last answer was set back: that answer may predate the step (NTP lost, or a manual
        // setting), and kept until the clock caught up again it would vouch for readings' times for hours.
        if (askedAt.equals(Instant.MIN) || !now.isBefore(askedAt.plus(CACHE)) || now.isBefore(askedAt)) {
            cached = os.get();
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
