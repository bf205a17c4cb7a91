package io.vitalwire.gateway.buffer;

import static io.vitalwire.gateway.buffer.GlucoseRecords.reading;
import static org.assertj.core.api.Assertions.assertThat;

import io.vitalwire.contract.Reading;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real SQLite file. */
class ReadingBufferTest {

    @TempDir
    Path dir;

    @Test
    void append_isIdempotentByKey() {
        try (ReadingBuffer buffer = open()) {
            assertThat(buffer.append(Lane.CRITICAL, List.of(reading(1), reading(2))))
                    .isEqualTo(new AppendResult(2, 0, Set.of()));
            assertThat(buffer.append(Lane.CRITICAL, List.of(reading(2), reading(3))))
                    .isEqualTo(new AppendResult(1, 1, Set.of(reading(2).key())));
            assertThat(buffer.stats().unsent()).isEqualTo(3);
        }
    }

    @Test
    void concurrentAppends_areCommittedTogether_withEveryCallersOwnCount() throws Exception {
        int threads = 8;
        int appendsPerThread = 40;
        try (ReadingBuffer buffer = open()) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<AppendResult>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                for (int a = 0; a < appendsPerThread; a++) {
                    int append = a;
                    // Two threads share every key: one of them adds it, the other finds it known.
                    results.add(pool.submit(() -> buffer.append(Lane.CRITICAL, List.of(
                            reading(1_000L * (thread / 2) + 2L * append), reading(1_000L * (thread / 2) + 2L * append + 1)))));
                }
            }
            int added = 0;
            int known = 0;
            for (Future<AppendResult> r : results) {
                added += r.get().added();
                known += r.get().alreadyKnown();
            }
            pool.shutdown();

            int unique = threads / 2 * appendsPerThread * 2;
            assertThat(added).isEqualTo(unique);
            assertThat(known).isEqualTo(unique);
            assertThat(buffer.stats().unsent()).isEqualTo(unique);
        }
        try (ReadingBuffer reopened = open()) {
            assertThat(reopened.claimNext(10_000)).hasSize(threads / 2 * appendsPerThread * 2);
        }
    }

    @Test
    void claim_acknowledge_requeue_followTheStates() {
        try (ReadingBuffer buffer = open()) {
            buffer.append(Lane.CRITICAL, List.of(reading(1), reading(2), reading(3)));

            List<BufferedReading> first = buffer.claimNext(2);
            assertThat(first).extracting(b -> b.reading().sequence()).containsExactly(1L, 2L);
            assertThat(buffer.claimNext(10)).extracting(b -> b.reading().sequence()).containsExactly(3L);
            assertThat(buffer.claimNext(10)).isEmpty();

            assertThat(buffer.markAcknowledged(List.of(first.get(0).rowId()))).isEqualTo(1);
            assertThat(buffer.requeue(List.of(first.get(1).rowId()))).isEqualTo(1);
            // Transitions only apply to rows in the expected state.
            assertThat(buffer.requeue(List.of(first.get(0).rowId()))).isZero();

            assertThat(buffer.claimNext(10)).extracting(b -> b.reading().sequence()).containsExactly(2L);
            BufferStats stats = buffer.stats();
            assertThat(stats.unsent()).isEqualTo(2);
            assertThat(stats.inFlight()).isEqualTo(2);
            assertThat(stats.acknowledged()).isEqualTo(1);
        }
    }

    @Test
    void inFlightRows_areRequeuedWhenTheBufferIsReopened() {
        try (ReadingBuffer buffer = open()) {
            buffer.append(Lane.CRITICAL, List.of(reading(1), reading(2)));
            buffer.claimNext(10);
        }
        try (ReadingBuffer reopened = open()) {
            assertThat(reopened.claimNext(10)).extracting(b -> b.reading().sequence()).containsExactly(1L, 2L);
        }
    }

    @Test
    void readingsSurviveReopening_byteForByte() {
        Reading original = reading(7);
        try (ReadingBuffer buffer = open()) {
            buffer.append(Lane.CRITICAL, List.of(original));
        }
        try (ReadingBuffer reopened = open()) {
            assertThat(reopened.claimNext(1).get(0).reading()).isEqualTo(original);
        }
    }

    @Test
    void file_isPrivateToTheGatewayUser() throws Exception {
        try (ReadingBuffer buffer = open()) {
            buffer.append(Lane.CRITICAL, List.of(reading(1)));
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("buffer.db"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("buffer.key"))))
                .isEqualTo("rw-------");
    }

    /**
     * Another connection to the buffer's file (the record cursors, written as a glucose meter's records arrive)
     * commits between a group commit's first read and its first write: SQLite refuses the stale transaction's write
     * at once, without the busy timeout. The group is tried again from a fresh read; no device is refused for it.
     */
    @Test
    void appendsWhileAnotherConnectionCommits_noneFails() throws Exception {
        try (ReadingBuffer buffer = open()) {
            RecordCursors cursors = new RecordCursors(buffer.file(), Clock.systemUTC());
            ExecutorService pool = Executors.newFixedThreadPool(3);
            java.util.concurrent.atomic.AtomicBoolean appending = new java.util.concurrent.atomic.AtomicBoolean(true);
            Future<?> cursorWrites = pool.submit(() -> {
                for (long record = 1; appending.get(); record++) {
                    cursors.advance("sn.GLU-1", "2A18", record);
                }
            });
            List<Future<AppendResult>> appends = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int thread = t;
                appends.add(pool.submit(() -> {
                    AppendResult last = null;
                    for (int a = 0; a < 400; a++) {
                        last = buffer.append(Lane.CRITICAL, List.of(reading(100_000L * thread + a)));
                    }
                    return last;
                }));
            }
            for (Future<AppendResult> a : appends) {
                a.get();
            }
            appending.set(false);
            cursorWrites.get();
            pool.shutdown();
            cursors.close();
            assertThat(buffer.stats().unsent()).isEqualTo(800);
        }
    }

    @Test
    void aLargeAppend_sealedInChunksOnSeveralThreads_isStoredWhole_inOrder_andItsKnownKeysCounted() {
        try (ReadingBuffer buffer = open()) {
            buffer.append(Lane.ROUTINE, List.of(reading(700)));
            List<Reading> pack = new ArrayList<>();
            for (long s = 0; s < PackSealer.CHUNK * 8L; s++) {
                pack.add(reading(s));
            }

            assertThat(buffer.append(Lane.ROUTINE, pack))
                    .isEqualTo(new AppendResult(pack.size() - 1, 1, Set.of(reading(700).key())));

            List<Long> claimed = buffer.claimNext(10_000).stream().map(b -> b.reading().sequence()).toList();
            List<Long> expected = new ArrayList<>(List.of(700L));
            pack.stream().map(Reading::sequence).filter(s -> s != 700L).forEach(expected::add);
            assertThat(claimed).as("every reading decrypts and decodes, in the append's order").isEqualTo(expected);
        }
    }

    private ReadingBuffer open() {
        return new ReadingBuffer(dir.resolve("buffer.db"), "FULL", Clock.systemUTC());
    }
}
