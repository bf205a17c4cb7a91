package io.vitalwire.gateway.clock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The system clock plus an offset read from a file, for fault drills ({@link ClockConfig#getOffsetFile()}): writing
 * {@code PT3H} into the file sets the gateway's wall clock three hours ahead while it runs, as a wrong NTP server or
 * an operator would. The file is read again at most every {@link #REREAD} (a clock is asked for every reading); a
 * missing, empty or unparsable file keeps the last offset (zero at first).
 */
final class OffsetFileClock extends Clock {

    static final Duration REREAD = Duration.ofMillis(100);

    private final Path file;
    private final Clock system;
    private volatile Duration offset = Duration.ZERO;
    private volatile long readAtNanos;
    private volatile boolean read;

    OffsetFileClock(Path file, Clock system) {
        this.file = file;
        this.system = system;
    }

    @Override
    public Instant instant() {
        long now = System.nanoTime();
        if (!read || now - readAtNanos >= REREAD.toNanos()) {
            readAtNanos = now;
            read = true;
            offset = readOffset().orElse(offset);
        }
        return system.instant().plus(offset);
    }

    private Optional<Duration> readOffset() {
        try {
            String text = Files.readString(file).strip();
            return text.isEmpty() ? Optional.of(Duration.ZERO) : Optional.of(Duration.parse(text));
        } catch (IOException | DateTimeParseException e) {
            return Optional.empty();
        }
    }

    @Override
    public ZoneId getZone() {
        return system.getZone();
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return new OffsetFileClock(file, system.withZone(zone));
    }
}
