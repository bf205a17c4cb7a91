package io.vitalwire.gateway.buffer;

import static io.vitalwire.gateway.buffer.GlucoseRecords.reading;
import static io.vitalwire.gateway.buffer.GlucoseRecords.readings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.GatewayEvent;
import io.vitalwire.testing.SettableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The capacity policy: lanes refused lowest first, never an unsent reading evicted, every refusal visible. */
class ReadingBufferCapacityTest {

    private static final long MAX = 1L << 20;

    @TempDir
    Path dir;
    private final SettableClock clock = new SettableClock(Instant.parse("2026-11-23T10:00:00Z"));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @Test
    void aFillingBuffer_refusesRoutineFirst_thenCritical_andKeepsHeadroomForLifecycle() {
        try (ReadingBuffer buffer = open()) {
            long routine = fillUntilRefused(buffer, Lane.ROUTINE, "GM-1");
            BufferStats atRoutineLimit = buffer.stats();
            assertThat(atRoutineLimit.usedBytes()).isBetween((long) (0.90 * MAX), (long) (0.98 * MAX));
            assertThat(atRoutineLimit.refusedLanes()).containsExactly(Lane.ROUTINE);

            long critical = fillUntilRefused(buffer, Lane.CRITICAL, "BP-1");
            assertThat(critical).as("critical readings taken after routine ones were refused").isPositive();
            assertThat(buffer.stats().usedBytes()).isBetween((long) (0.98 * MAX), MAX);
            assertThat(buffer.stats().refusedLanes()).containsExactly(Lane.CRITICAL, Lane.ROUTINE);

            long lifecycle = fillUntilRefused(buffer, Lane.LIFECYCLE, "HUB");
            assertThat(lifecycle).as("lifecycle readings in the reserved headroom").isPositive();
            assertThat(buffer.stats().usedBytes()).isGreaterThanOrEqualTo(MAX);

            // Nothing accepted was evicted to make room.
            assertThat(buffer.stats().unsent()).isEqualTo(routine + critical + lifecycle);
            assertThat(buffer.stats().unsentByLane()).containsEntry(Lane.ROUTINE, routine)
                    .containsEntry(Lane.CRITICAL, critical).containsEntry(Lane.LIFECYCLE, lifecycle);
        }
    }

    @Test
    void everyRefusal_isCountedByLane_andRecordedAsAGap_thatNamesDevicesButNoValues() {
        try (ReadingBuffer buffer = open()) {
            fillUntilRefused(buffer, Lane.ROUTINE, "GM-1");
            Instant firstRefusal = clock.instant();
            clock.advance(Duration.ofMinutes(5));
            assertThatThrownBy(() -> buffer.append(Lane.ROUTINE, readings("OX-7", 1, 3)))
                    .isInstanceOfSatisfying(BufferFullException.class,
                            e -> assertThat(e.lane()).isEqualTo(Lane.ROUTINE));

            assertThat(meters.counter("vitalwire.buffer.refused", "lane", "routine", "reason", "capacity").count())
                    .isEqualTo(5 + 3);
            List<Gap> gaps = buffer.unreportedGaps();
            assertThat(gaps).hasSize(1);
            Gap gap = gaps.get(0);
            assertThat(gap.lane()).isEqualTo(Lane.ROUTINE);
            assertThat(gap.refusedReadings()).isEqualTo(8);
            assertThat(gap.firstRefusedAt()).isEqualTo(firstRefusal);
            assertThat(gap.lastRefusedAt()).isEqualTo(clock.instant());
            assertThat(gap.devices()).containsExactly("sn.GM-1", "sn.OX-7");

            GatewayEvent event = gap.toEvent("gw-1");
            assertThat(event.type()).isEqualTo("gap");
            assertThat(event.attributes()).containsEntry("lane", "routine").containsEntry("refusedReadings", "8")
                    .containsEntry("deviceCount", "2").containsEntry("gapId", Long.toString(gap.id()));
            String json = new String(new ContractCodec().encode(event));
            assertThat(json).doesNotContain(GlucoseRecords.VALUE).doesNotContain(GlucoseRecords.MODEL);
            assertThat(buffer.stats().unreportedGaps()).isEqualTo(1);
        }
    }

    @Test
    void gaps_surviveARestart_andAreMarkedReportedOnlyAsTheyWereReported() {
        Gap reported;
        try (ReadingBuffer buffer = open()) {
            fillUntilRefused(buffer, Lane.ROUTINE, "GM-1");
        }
        try (ReadingBuffer buffer = open()) {
            Gap snapshot = buffer.unreportedGaps().get(0);
            assertThatThrownBy(() -> buffer.append(Lane.ROUTINE, List.of(reading("GM-1", 90_000))))
                    .isInstanceOf(BufferFullException.class);

            assertThat(buffer.markGapReported(snapshot)).as("the gap grew after this snapshot").isFalse();
            reported = buffer.unreportedGaps().get(0);
            assertThat(reported.id()).isEqualTo(snapshot.id());
            assertThat(reported.refusedReadings()).isEqualTo(snapshot.refusedReadings() + 1);
            assertThat(buffer.markGapReported(reported)).isTrue();
            assertThat(buffer.unreportedGaps()).isEmpty();

            // Refused again after the report: a new gap.
            assertThatThrownBy(() -> buffer.append(Lane.ROUTINE, List.of(reading("GM-1", 90_001))))
                    .isInstanceOf(BufferFullException.class);
            assertThat(buffer.unreportedGaps()).extracting(Gap::id).containsExactly(reported.id() + 1);
        }
    }

    @Test
    void atCapacity_acknowledgedReadingsArePurgedBeforeAnythingIsRefused() {
        try (ReadingBuffer buffer = open()) {
            long routine = fillUntilRefused(buffer, Lane.ROUTINE, "GM-1");
            for (List<BufferedReading> b = buffer.claimNext(500); !b.isEmpty(); b = buffer.claimNext(500)) {
                buffer.markAcknowledged(b.stream().map(BufferedReading::rowId).toList());
            }
            assertThat(buffer.stats().acknowledged()).isEqualTo(routine);

            // Well inside their retention, yet they make room.
            assertThat(buffer.append(Lane.ROUTINE, readings("GM-2", 1, 5)).added()).isEqualTo(5);
            assertThat(buffer.stats().acknowledged()).isLessThan(routine);
            assertThat(buffer.stats().unsent()).isEqualTo(5);
        }
    }

    @Test
    void atCapacity_readingsAlreadyStored_areNotRefused() {
        try (ReadingBuffer buffer = open()) {
            fillUntilRefused(buffer, Lane.ROUTINE, "GM-1");
            // A device re-sending a record the buffer holds: durable already, so it may be acknowledged.
            AppendResult again = buffer.append(Lane.ROUTINE, List.of(reading("GM-1", 0)));
            assertThat(again.added()).isZero();
            assertThat(again.alreadyKnown()).isEqualTo(1);
        }
    }

    @Test
    void health_alarmsAtCapacity_andWhenTheOldestUnsentReadingIsTooOld() {
        try (ReadingBuffer buffer = open()) {
            buffer.append(Lane.CRITICAL, List.of(reading(1)));
            assertThat(BufferHealthIndicator.alarms(buffer.stats(), Duration.ofDays(3))).isEmpty();

            clock.advance(Duration.ofDays(3).plusMinutes(1));
            assertThat(BufferHealthIndicator.alarms(buffer.stats(), Duration.ofDays(3)))
                    .singleElement().satisfies(a -> assertThat(a).contains("oldest reading not yet receipted"));

            fillUntilRefused(buffer, Lane.ROUTINE, "GM-1");
            assertThat(BufferHealthIndicator.alarms(buffer.stats(), Duration.ofDays(3)))
                    .anySatisfy(a -> assertThat(a).startsWith("at capacity").contains("[ROUTINE]"));
        }
    }

    /** Appends five readings at a time until the lane is refused; returns how many were taken. */
    private long fillUntilRefused(ReadingBuffer buffer, Lane lane, String serial) {
        long taken = 0;
        for (int i = 0; i < 10_000; i++) {
            try {
                taken += buffer.append(lane, readings(serial, taken, 5)).added();
            } catch (BufferFullException e) {
                assertThat(e.lane()).isEqualTo(lane);
                return taken;
            }
        }
        throw new AssertionError(lane + " was never refused");
    }

    private ReadingBuffer open() {
        return new ReadingBuffer(BufferSettings.defaults(dir.resolve("buffer.db")).withSynchronous("NORMAL")
                .withMaxSizeBytes(MAX), clock, meters);
    }
}
