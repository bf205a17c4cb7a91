package io.vitalwire.sims.bench;

import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.Reading;
import io.vitalwire.gateway.buffer.ReadingBuffer;
import io.vitalwire.testing.Rounds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Durable intake: readings/s committed by {@link ReadingBuffer#append} beside the floor of the same disk in the same
 * run — raw JDBC inserts of the same encoded readings into a table of the same shape, {@code synchronous=FULL}, the
 * same number of rows per transaction. The difference is what the buffer adds: encoding, encryption at rest,
 * duplicate detection, the state column and group commit's bookkeeping.
 *
 * <p>Two shapes of our path: one writer appending packs of {@code batch} readings (comparable row for row with the
 * baseline), and {@code writers} threads appending small packs at once, as devices do, where group commit decides
 * how many fsyncs there are.
 *
 * <p>A second baseline bounds the many writers' shape: the raw inserts with {@code writers × pack} rows per
 * transaction, the most one group commit can hold while each writer waits for its pack's commit before it sends the
 * next (as a device waits for its answer). No durable intake of such packs commits more rows per fsync than that.
 *
 * <p>Usage: {@code deploy/dev/bench.sh intake [readings] [batch] [writers] [pack]} (defaults 200000, 1000, 8, 10).
 */
public final class BufferIntakeBenchmark {

    private static final int ROUNDS = 3;

    private BufferIntakeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int total = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int writers = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int pack = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        Path dir = Files.createTempDirectory("vw-bench-intake-");
        List<Reading> readings = new BenchReadings("INTAKE").range(0, total);

        // A whole round of each path first (the JIT, the page cache), not counted.
        rawInserts(dir.resolve("raw-warm-up.db"), readings, batch);
        oneWriter(dir.resolve("one-warm-up.db"), readings, batch);
        manyWriters(dir.resolve("many-warm-up.db"), readings, writers, pack);
        rawInserts(dir.resolve("ceiling-warm-up.db"), readings, writers * pack);
        Rounds rounds = Rounds.run(ROUNDS, "%,10.0f readings/s", List.of(
                new Rounds.Named("raw batched SQLite (" + batch + " rows/txn)",
                        round -> rawInserts(dir.resolve("raw-" + round + ".db"), readings, batch)),
                new Rounds.Named("buffer, 1 writer, packs of " + batch,
                        round -> oneWriter(dir.resolve("one-" + round + ".db"), readings, batch)),
                new Rounds.Named("buffer, " + writers + " writers, packs of " + pack,
                        round -> manyWriters(dir.resolve("many-" + round + ".db"), readings, writers, pack)),
                new Rounds.Named("raw SQLite, " + writers * pack + " rows/txn (a full group commit of "
                        + writers + " writers)",
                        round -> rawInserts(dir.resolve("ceiling-" + round + ".db"), readings, writers * pack))));
        System.out.printf("%nDurable intake, %,d readings, synchronous=FULL, medians of %d rounds after one of "
                + "warm-up%n", total, ROUNDS);
        rounds.printRates();
        rounds.printRatio("1 writer / raw", 1, 0);
        rounds.printRatio(writers + " writers / raw", 2, 0);
        rounds.printRatio(writers * pack + " rows/txn / raw (the ceiling for " + writers + " writers)", 3, 0);
        rounds.printRatio(writers + " writers / that ceiling", 2, 3);
    }

    private static double rawInserts(Path file, List<Reading> readings, int batch) throws Exception {
        ContractCodec codec = new ContractCodec();
        // Encoded before the clock starts: the baseline is the disk and SQLite, nothing of ours.
        List<byte[]> payloads = readings.stream().map(codec::encodeReading).toList();
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("CREATE TABLE reading (id INTEGER PRIMARY KEY AUTOINCREMENT, reading_key TEXT NOT NULL UNIQUE,"
                        + " state TEXT NOT NULL, accepted_at INTEGER NOT NULL, payload BLOB NOT NULL)");
            }
            db.setAutoCommit(false);
            long start = System.nanoTime();
            try (PreparedStatement insert = db.prepareStatement(
                    "INSERT INTO reading (reading_key, state, accepted_at, payload) VALUES (?, 'QUEUED', ?, ?)")) {
                for (int i = 0; i < readings.size(); i++) {
                    insert.setString(1, readings.get(i).key());
                    insert.setLong(2, System.currentTimeMillis());
                    insert.setBytes(3, payloads.get(i));
                    insert.addBatch();
                    if ((i + 1) % batch == 0 || i == readings.size() - 1) {
                        insert.executeBatch();
                        db.commit();
                    }
                }
            }
            return readings.size() / seconds(start);
        }
    }

    private static double oneWriter(Path file, List<Reading> readings, int batch) {
        try (ReadingBuffer buffer = BenchBuffers.open(file)) {
            long start = System.nanoTime();
            for (int i = 0; i < readings.size(); i += batch) {
                BenchBuffers.appendLive(buffer, readings.subList(i, Math.min(readings.size(), i + batch)));
            }
            double rate = readings.size() / seconds(start);
            requireAll(buffer, readings.size());
            return rate;
        }
    }

    private static double manyWriters(Path file, List<Reading> readings, int writers, int pack) throws Exception {
        List<List<Reading>> packs = new ArrayList<>();
        for (int i = 0; i < readings.size(); i += pack) {
            packs.add(readings.subList(i, Math.min(readings.size(), i + pack)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try (ReadingBuffer buffer = BenchBuffers.open(file)) {
            long start = System.nanoTime();
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int first = w;
                running.add(pool.submit(() -> {
                    for (int p = first; p < packs.size(); p += writers) {
                        BenchBuffers.appendLive(buffer, packs.get(p));
                    }
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
            double rate = readings.size() / seconds(start);
            requireAll(buffer, readings.size());
            return rate;
        } finally {
            pool.shutdown();
        }
    }

    private static void requireAll(ReadingBuffer buffer, long expected) {
        long stored = buffer.stats().unsent();
        if (stored != expected) {
            throw new IllegalStateException("the buffer holds " + stored + " readings, expected " + expected);
        }
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
