package io.vitalwire.gateway.buffer;

import static io.vitalwire.gateway.buffer.GlucoseRecords.readings;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitalwire.testing.SettableClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Acknowledgements kept as runs of ids beside the readings, never in them: against a real SQLite file. */
class AcknowledgedRunsTest {

    @TempDir
    Path dir;
    private final SettableClock clock = new SettableClock(Instant.parse("2026-12-04T10:00:00Z"));

    @Test
    void aDrainedBacklog_isOneNarrowRow_andNoReadingRowIsRewritten() throws Exception {
        try (ReadingBuffer buffer = open()) {
            buffer.append(Lane.CRITICAL, readings("GM-1", 0, 2_000));
            buffer.markLinkUp();
            for (List<BufferedReading> batch = buffer.claimNext(500); !batch.isEmpty(); batch = buffer.claimNext(500)) {
                buffer.markAcknowledged(ids(batch));
            }

            assertThat(rows("SELECT first_id, last_id, lane FROM acknowledged"))
                    .containsExactly(List.of(1L, 2_000L, (long) Lane.CRITICAL.rank()));
            assertThat(rows("SELECT COUNT(*) FROM reading WHERE state = 'QUEUED' AND acknowledged_at IS NULL"))
                    .containsExactly(List.of(2_000L));
            BufferStats stats = buffer.stats();
            assertThat(stats.acknowledged()).isEqualTo(2_000);
            assertThat(stats.unsent()).isZero();
            assertThat(stats.unsentByLane()).containsEntry(Lane.CRITICAL, 0L);
            assertThat(stats.oldestUnsentAge()).isEmpty();
        }
    }

    @Test
    void aBatchAcrossLanes_isOneRunPerLane() throws Exception {
        try (ReadingBuffer buffer = open()) {
            buffer.append(Lane.CRITICAL, readings("BP-1", 0, 3));
            buffer.append(Lane.ROUTINE, readings("GM-1", 0, 3));
            buffer.markLinkUp();
            List<BufferedReading> batch = buffer.claimNext(10);
            assertThat(ids(batch)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
            buffer.markAcknowledged(ids(batch));

            assertThat(rows("SELECT first_id, last_id, lane FROM acknowledged ORDER BY first_id")).containsExactly(
                    List.of(1L, 3L, (long) Lane.CRITICAL.rank()), List.of(4L, 6L, (long) Lane.ROUTINE.rank()));
            assertThat(buffer.stats().unsentByLane()).containsEntry(Lane.CRITICAL, 0L).containsEntry(Lane.ROUTINE, 0L);
        }
    }

    @Test
    void acknowledgedReadings_areNeverSentAgain_afterARestartOrARequeue_andTheOldestUnsentStepsOverThem() {
        List<Long> unsent = new ArrayList<>();
        try (ReadingBuffer buffer = open()) {
            buffer.append(Lane.CRITICAL, readings("BP-1", 0, 5));   // ids 1-5
            buffer.append(Lane.ROUTINE, readings("GM-1", 0, 5));    // ids 6-10
            clock.advance(Duration.ofMinutes(10));
            buffer.append(Lane.CRITICAL, readings("BP-1", 5, 5));   // ids 11-15
            buffer.markLinkUp();
            List<BufferedReading> first = buffer.claimNext(7);      // CRITICAL 1-5 and 11-12
            assertThat(ids(first)).containsExactly(1L, 2L, 3L, 4L, 5L, 11L, 12L);
            buffer.markAcknowledged(ids(first));
            List<BufferedReading> second = buffer.claimNext(2);     // CRITICAL 13-14, sent but not receipted
            buffer.requeue(ids(second));

            List<BufferedReading> again = buffer.claimNext(100);
            assertThat(ids(again)).containsExactly(13L, 14L, 15L, 6L, 7L, 8L, 9L, 10L);
            again.forEach(r -> unsent.add(r.rowId()));
        }
        clock.advance(Duration.ofMinutes(5));
        try (ReadingBuffer reopened = open()) {
            BufferStats stats = reopened.stats();
            assertThat(stats.unsent()).isEqualTo(8);
            assertThat(stats.acknowledged()).isEqualTo(7);
            assertThat(stats.unsentByLane()).containsEntry(Lane.CRITICAL, 3L).containsEntry(Lane.ROUTINE, 5L);
            // The oldest unsent reading is GM-1's (id 6), accepted 15 minutes ago, not acknowledged BP-1 1-5.
            assertThat(stats.oldestUnsentAge()).contains(Duration.ofMinutes(15));

            reopened.markLinkUp();
            assertThat(ids(reopened.claimNext(100))).containsExactlyInAnyOrderElementsOf(unsent);
        }
    }

    @Test
    void theOldestUnsentAge_isTheFirstReadingPastTheAcknowledgedRuns() {
        try (ReadingBuffer buffer = open()) {
            buffer.append(Lane.CRITICAL, readings("BP-1", 0, 4));   // ids 1-4, acknowledged below
            clock.advance(Duration.ofMinutes(30));
            buffer.append(Lane.CRITICAL, readings("BP-1", 4, 2));   // ids 5-6, unsent
            clock.advance(Duration.ofMinutes(1));
            buffer.markLinkUp();
            buffer.markAcknowledged(ids(buffer.claimNext(4)));

            assertThat(buffer.stats().oldestUnsentAge()).contains(Duration.ofMinutes(1));
        }
    }

    @Test
    void purge_takesARunApartInChunks_andOnlyAcknowledgedReadings() throws Exception {
        try (ReadingBuffer buffer = open()) {
            buffer.append(Lane.CRITICAL, readings("GM-1", 0, 2_500));
            buffer.markLinkUp();
            for (List<BufferedReading> batch = buffer.claimNext(500); !batch.isEmpty(); batch = buffer.claimNext(500)) {
                buffer.markAcknowledged(ids(batch));
            }
            buffer.append(Lane.CRITICAL, readings("GM-1", 2_500, 3));

            clock.advance(Duration.ofHours(2));
            assertThat(buffer.maintain().purgedReadings()).isEqualTo(2_500);

            assertThat(rows("SELECT COUNT(*) FROM acknowledged")).containsExactly(List.of(0L));
            assertThat(rows("SELECT MIN(id), COUNT(*) FROM reading")).containsExactly(List.of(2_501L, 3L));
            assertThat(buffer.stats().unsent()).isEqualTo(3);
            assertThat(buffer.stats().acknowledged()).isZero();
        }
    }

    @Test
    void aFileWhoseAcknowledgementsAreInTheRows_keepsThem_asRuns() throws Exception {
        try (ReadingBuffer buffer = open()) {
            buffer.append(Lane.CRITICAL, readings("BP-1", 0, 10));
        }
        // The layout before this one: acknowledged rows marked in place, their time beside them, an index for the purge.
        long at = clock.millis();
        sql("UPDATE reading SET state = 'ACKNOWLEDGED', acknowledged_at = " + at + " WHERE id IN (1, 2, 3, 5, 6)",
                "CREATE INDEX reading_acknowledged_at ON reading (acknowledged_at) WHERE state = 'ACKNOWLEDGED'",
                "DROP TABLE acknowledged", "PRAGMA user_version = 1");

        try (ReadingBuffer upgraded = open()) {
            assertThat(rows("SELECT first_id, last_id FROM acknowledged ORDER BY first_id"))
                    .containsExactly(List.of(1L, 3L), List.of(5L, 6L));
            assertThat(rows("SELECT COUNT(*) FROM reading WHERE state = 'ACKNOWLEDGED'")).containsExactly(List.of(0L));
            assertThat(rows("SELECT COUNT(*) FROM sqlite_master WHERE name = 'reading_acknowledged_at'"))
                    .containsExactly(List.of(0L));
            assertThat(rows("PRAGMA user_version")).containsExactly(List.of((long) BufferSchema.VERSION));
            assertThat(upgraded.stats().acknowledged()).isEqualTo(5);
            assertThat(upgraded.stats().unsent()).isEqualTo(5);

            upgraded.markLinkUp();
            assertThat(ids(upgraded.claimNext(100))).containsExactly(4L, 7L, 8L, 9L, 10L);
            clock.advance(Duration.ofHours(2));
            assertThat(upgraded.maintain().purgedReadings()).isEqualTo(5);
        }
    }

    private static List<Long> ids(List<BufferedReading> batch) {
        return batch.stream().map(BufferedReading::rowId).toList();
    }

    private List<List<Long>> rows(String query) throws Exception {
        List<List<Long>> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("buffer.db"));
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Long> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(rs.getLong(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private void sql(String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("buffer.db"));
             Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.executeUpdate(statement);
            }
        }
    }

    private ReadingBuffer open() {
        return new ReadingBuffer(BufferSettings.defaults(dir.resolve("buffer.db")).withSynchronous("NORMAL"), clock,
                new SimpleMeterRegistry());
    }
}
