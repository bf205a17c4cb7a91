package io.vitalwire.gateway.buffer;

import static io.vitalwire.gateway.buffer.GlucoseRecords.reading;
import static io.vitalwire.gateway.buffer.GlucoseRecords.readings;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Priority lanes and live-first claiming, against a real SQLite file. */
class ReadingBufferLanesTest {

    @TempDir
    Path dir;

    @Test
    void claimNext_drainsTheBacklogLaneByLane_oldestFirstWithinALane() {
        try (ReadingBuffer buffer = open()) {
            buffer.append(Lane.ROUTINE, List.of(reading("GM-1", 1), reading("GM-1", 2)));
            buffer.append(Lane.CRITICAL, List.of(reading("BP-1", 1)));
            buffer.append(Lane.LIFECYCLE, List.of(reading("HUB", 1)));
            buffer.append(Lane.CRITICAL, List.of(reading("BP-1", 2)));
            buffer.markLinkUp();

            assertThat(keys(buffer.claimNext(10))).containsExactly("gw-1/sn.HUB/s1/160184",
                    "gw-1/sn.BP-1/s1/160184", "gw-1/sn.BP-1/s2/160184", "gw-1/sn.GM-1/s1/160184",
                    "gw-1/sn.GM-1/s2/160184");
        }
    }

    @Test
    void claimNext_aReadingTakenNow_goesInTheNextBatchAheadOfTheBacklog() {
        try (ReadingBuffer buffer = open()) {
            buffer.append(Lane.CRITICAL, readings("BP-1", 1, 50));
            buffer.append(Lane.ROUTINE, readings("GM-1", 1, 50));
            buffer.markLinkUp(); // the uplink comes back to a backlog of 100
            assertThat(buffer.claimNext(10)).hasSize(10);

            // A live routine record and a live critical value, appended during the drain.
            buffer.append(Lane.ROUTINE, List.of(reading("GM-1", 500)));
            buffer.append(Lane.CRITICAL, List.of(reading("BP-1", 500)));

            List<BufferedReading> next = buffer.claimNext(5);
            assertThat(keys(next)).startsWith("gw-1/sn.BP-1/s500/160184", "gw-1/sn.GM-1/s500/160184");
            // Then the backlog again, where it left off.
            assertThat(keys(next).subList(2, 5)).containsExactly("gw-1/sn.BP-1/s11/160184",
                    "gw-1/sn.BP-1/s12/160184", "gw-1/sn.BP-1/s13/160184");
        }
    }

    @Test
    void markLinkUp_turnsWhatWasLiveIntoBacklog() {
        try (ReadingBuffer buffer = open()) {
            buffer.markLinkUp();
            buffer.append(Lane.ROUTINE, List.of(reading("GM-1", 1)));
            buffer.append(Lane.CRITICAL, List.of(reading("BP-1", 1)));
            buffer.append(Lane.ROUTINE, List.of(reading("GM-1", 2)));
            buffer.markLinkUp(); // reconnected: all three are backlog now, in lane order
            buffer.append(Lane.ROUTINE, List.of(reading("GM-1", 3)));

            assertThat(keys(buffer.claimNext(10))).containsExactly("gw-1/sn.GM-1/s3/160184",
                    "gw-1/sn.BP-1/s1/160184", "gw-1/sn.GM-1/s1/160184", "gw-1/sn.GM-1/s2/160184");
        }
    }

    @Test
    void readingsBufferedBeforeARestart_areBacklog_newOnesAfterItAreLive() {
        try (ReadingBuffer buffer = open()) {
            buffer.append(Lane.CRITICAL, readings("BP-1", 1, 3));
        }
        try (ReadingBuffer reopened = open()) {
            reopened.append(Lane.ROUTINE, List.of(reading("GM-1", 9)));
            assertThat(keys(reopened.claimNext(2))).containsExactly("gw-1/sn.GM-1/s9/160184",
                    "gw-1/sn.BP-1/s1/160184");
        }
    }

    @Test
    void aRequeuedBatch_keepsEachDevicesOrderWithinItsLane() {
        try (ReadingBuffer buffer = open()) {
            buffer.append(Lane.CRITICAL, readings("BP-1", 1, 4));
            List<BufferedReading> first = buffer.claimNext(2);
            buffer.requeue(first.stream().map(BufferedReading::rowId).toList());

            assertThat(keys(buffer.claimNext(10))).containsExactly("gw-1/sn.BP-1/s1/160184",
                    "gw-1/sn.BP-1/s2/160184", "gw-1/sn.BP-1/s3/160184", "gw-1/sn.BP-1/s4/160184");
        }
    }

    @Test
    void stats_countUnsentReadingsPerLane() {
        try (ReadingBuffer buffer = open()) {
            buffer.append(Lane.CRITICAL, readings("BP-1", 1, 2));
            buffer.append(Lane.ROUTINE, readings("GM-1", 1, 3));
            buffer.markLinkUp();
            buffer.markAcknowledged(buffer.claimNext(1).stream().map(BufferedReading::rowId).toList());

            BufferStats stats = buffer.stats();
            assertThat(stats.unsentByLane()).containsEntry(Lane.LIFECYCLE, 0L).containsEntry(Lane.CRITICAL, 1L)
                    .containsEntry(Lane.ROUTINE, 3L);
            assertThat(stats.unsent()).isEqualTo(4);
            assertThat(stats.acknowledged()).isEqualTo(1);
        }
    }

    /**
     * The queries that run per batch and per maintenance pass must stay seeks with a million rows: by row id, as the
     * table has no index by lane or state (see {@link RowCounts}), and the counts from their own small table.
     */
    @Test
    void claimPurgeAndStats_seekByRowId_orReadTheCounts() throws Exception {
        try (ReadingBuffer buffer = open()) {
            buffer.append(Lane.CRITICAL, List.of(reading(1)));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("buffer.db"))) {
            assertThat(plan(c, ReadingBuffer.CLAIM_SQL))
                    .contains("SEARCH reading USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)")
                    .doesNotContain("TEMP B-TREE");
            assertThat(plan(c, AcknowledgedRuns.DELETE_ROWS_SQL))
                    .contains("SEARCH reading USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)")
                    .doesNotContain("SCAN reading");
            assertThat(plan(c, ReadingBuffer.NEXT_QUEUED_SQL))
                    .contains("SEARCH reading USING INTEGER PRIMARY KEY (rowid>?)")
                    .doesNotContain("TEMP B-TREE");
            assertThat(plan(c, ReadingBuffer.STATS_SQL)).doesNotContain("reading");
        }
    }

    @Test
    void aRequeuedReading_isClaimedAgain_inItsOrder_withAndWithoutANewLink() {
        try (ReadingBuffer buffer = open()) {
            buffer.markLinkUp();
            buffer.append(Lane.CRITICAL, readings("BP-1", 1, 6));
            buffer.append(Lane.ROUTINE, readings("GM-1", 1, 2));
            List<BufferedReading> first = buffer.claimNext(4);
            assertThat(keys(first)).containsExactly("gw-1/sn.BP-1/s1/160184", "gw-1/sn.BP-1/s2/160184",
                    "gw-1/sn.BP-1/s3/160184", "gw-1/sn.BP-1/s4/160184");

            buffer.requeue(List.of(first.get(1).rowId()));
            assertThat(keys(buffer.claimNext(3))).containsExactly("gw-1/sn.BP-1/s2/160184",
                    "gw-1/sn.BP-1/s5/160184", "gw-1/sn.BP-1/s6/160184");

            // The link drops: everything held goes back; the live rows so far are backlog of the next link.
            buffer.requeue(first.stream().map(BufferedReading::rowId).toList());
            buffer.markLinkUp();
            buffer.append(Lane.ROUTINE, readings("GM-1", 3, 1));
            assertThat(keys(buffer.claimNext(10))).containsExactly("gw-1/sn.GM-1/s3/160184",
                    "gw-1/sn.BP-1/s1/160184", "gw-1/sn.BP-1/s2/160184", "gw-1/sn.BP-1/s3/160184",
                    "gw-1/sn.BP-1/s4/160184", "gw-1/sn.GM-1/s1/160184", "gw-1/sn.GM-1/s2/160184");
        }
    }

    private static String plan(Connection c, String sql) throws Exception {
        StringBuilder plan = new StringBuilder();
        // Parameters left unbound: the plan does not depend on their values.
        try (PreparedStatement q = c.prepareStatement("EXPLAIN QUERY PLAN " + sql); ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                plan.append(rs.getString("detail")).append('\n');
            }
        }
        return plan.toString();
    }

    private static List<String> keys(List<BufferedReading> claimed) {
        List<String> keys = new ArrayList<>();
        claimed.forEach(b -> keys.add(b.reading().key()));
        return keys;
    }

    private ReadingBuffer open() {
        return new ReadingBuffer(dir.resolve("buffer.db"), "NORMAL", Clock.systemUTC());
    }
}
