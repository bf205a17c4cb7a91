package io.vitalwire.gateway.buffer;

import static io.vitalwire.gateway.buffer.GlucoseRecords.readings;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitalwire.testing.SettableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Purging acknowledged readings and giving the space back, against a real SQLite file. */
class ReadingBufferMaintenanceTest {

    @TempDir
    Path dir;
    private final SettableClock clock = new SettableClock(Instant.parse("2026-11-23T10:00:00Z"));

    @Test
    void afterABigDrain_acknowledgedReadingsArePurged_andTheFileShrinks() throws Exception {
        try (ReadingBuffer buffer = open()) {
            for (int batch = 0; batch < 40; batch++) {
                buffer.append(Lane.ROUTINE, readings("GM-1", batch * 250L, 250));
            }
            buffer.maintain(); // nothing acknowledged yet: only the WAL is checkpointed
            long full = sizeOnDisk();
            drain(buffer);

            clock.advance(Duration.ofHours(2));
            MaintenanceResult result = buffer.maintain();

            assertThat(result.purgedReadings()).isEqualTo(10_000);
            assertThat(result.releasedBytes()).isPositive();
            assertThat(result.walTruncated()).isTrue();
            assertThat(Files.size(dir.resolve("buffer.db-wal"))).isZero();
            assertThat(sizeOnDisk()).isLessThan(full / 4);
            assertThat(buffer.stats().acknowledged()).isZero();
        }
    }

    @Test
    void acknowledgedReadings_stayForTheirRetention_unsentOnesAlways() {
        try (ReadingBuffer buffer = open()) {
            buffer.append(Lane.CRITICAL, readings("BP-1", 1, 10));
            buffer.markAcknowledged(buffer.claimNext(4).stream().map(BufferedReading::rowId).toList());

            clock.advance(Duration.ofMinutes(59));
            assertThat(buffer.maintain().purgedReadings()).isZero();
            assertThat(buffer.stats().acknowledged()).isEqualTo(4);

            clock.advance(Duration.ofMinutes(2));
            assertThat(buffer.maintain().purgedReadings()).isEqualTo(4);
            clock.advance(Duration.ofDays(30));
            assertThat(buffer.maintain().purgedReadings()).isZero();
            assertThat(buffer.stats().unsent()).isEqualTo(6);
        }
    }

    private void drain(ReadingBuffer buffer) {
        for (List<BufferedReading> batch = buffer.claimNext(500); !batch.isEmpty(); batch = buffer.claimNext(500)) {
            buffer.markAcknowledged(batch.stream().map(BufferedReading::rowId).toList());
        }
    }

    private long sizeOnDisk() throws Exception {
        Path wal = dir.resolve("buffer.db-wal");
        return Files.size(dir.resolve("buffer.db")) + (Files.exists(wal) ? Files.size(wal) : 0);
    }

    private ReadingBuffer open() {
        return new ReadingBuffer(BufferSettings.defaults(dir.resolve("buffer.db")).withSynchronous("NORMAL"), clock,
                new SimpleMeterRegistry());
    }
}
