package io.vitalwire.sims.bench;

import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.Reading;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitalwire.gateway.buffer.BufferSettings;
import io.vitalwire.gateway.buffer.ReadingBuffer;
import io.vitalwire.testing.Rounds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;

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
 * <p>A third baseline shows what the handing over between threads costs on this machine, whatever the store does: raw
 * SQLite group commit at its simplest — the writers hand packs of encoded readings to one committer thread, which
 * inserts everything queued in one transaction and answers each writer after the commit. Nothing is encoded,
 * encrypted or checked; only the threads' hand-overs and the fsyncs remain.
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
        rawGroupCommit(dir.resolve("handed-warm-up.db"), readings, writers, pack);
        Rounds rounds = Rounds.run(ROUNDS, "%,10.0f readings/s", List.of(
                new Rounds.Named("raw batched SQLite (" + batch + " rows/txn)",
                        round -> rawInserts(dir.resolve("raw-" + round + ".db"), readings, batch)),
                new Rounds.Named("buffer, 1 writer, packs of " + batch,
                        round -> oneWriter(dir.resolve("one-" + round + ".db"), readings, batch)),
                new Rounds.Named("buffer, " + writers + " writers, packs of " + pack,
                        round -> manyWriters(dir.resolve("many-" + round + ".db"), readings, writers, pack)),
                new Rounds.Named("raw SQLite, " + writers * pack + " rows/txn (a full group commit of "
                        + writers + " writers)",
                        round -> rawInserts(dir.resolve("ceiling-" + round + ".db"), readings, writers * pack)),
                new Rounds.Named("raw SQLite group commit, " + writers + " writers, packs of " + pack
                        + " (one committer thread)",
                        round -> rawGroupCommit(dir.resolve("handed-" + round + ".db"), readings, writers, pack))));
        System.out.printf("%nDurable intake, %,d readings, synchronous=FULL, medians of %d rounds after one of "
                + "warm-up%n", total, ROUNDS);
        rounds.printRates();
        rounds.printRatio("1 writer / raw", 1, 0);
        rounds.printRatio(writers + " writers / raw", 2, 0);
        rounds.printRatio(writers * pack + " rows/txn / raw (the ceiling for " + writers + " writers)", 3, 0);
        rounds.printRatio(writers + " writers / that ceiling", 2, 3);
        rounds.printRatio("raw group commit of " + writers + " writers / raw", 4, 0);
        rounds.printRatio(writers + " writers / raw group commit of as many", 2, 4);
    }

    private static double rawInserts(Path file, List<Reading> readings, int batch) throws Exception {
        ContractCodec codec = new ContractCodec();
        // Encoded before the clock starts: the baseline is the disk and SQLite, nothing of ours.
        List<byte[]> payloads = readings.stream().map(codec::encodeReading).toList();
        try (Connection db = rawTable(file)) {
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

    /** A table of the buffer's shape without its extras, in WAL mode, {@code synchronous=FULL}, outside autocommit. */
    private static Connection rawTable(Path file) throws SQLException {
        Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement s = db.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=FULL");
            s.execute("CREATE TABLE reading (id INTEGER PRIMARY KEY AUTOINCREMENT, reading_key TEXT NOT NULL UNIQUE,"
                    + " state TEXT NOT NULL, accepted_at INTEGER NOT NULL, payload BLOB NOT NULL)");
        } catch (SQLException e) {
            db.close();
            throw e;
        }
        db.setAutoCommit(false);
        return db;
    }

    /** A pack handed to the committer, and the writer waiting for its commit. */
    private record HandedPack(List<String> keys, List<byte[]> payloads, CompletableFuture<Void> committed) {
    }

    private static double rawGroupCommit(Path file, List<Reading> readings, int writers, int pack) throws Exception {
        ContractCodec codec = new ContractCodec();
        List<byte[]> payloads = readings.stream().map(codec::encodeReading).toList();
        BlockingQueue<HandedPack> queue = new LinkedBlockingQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
        try (Connection db = rawTable(file)) {
            int packs = (readings.size() + pack - 1) / pack;
            long start = System.nanoTime();
            Future<?> committer = pool.submit(() -> {
                try (PreparedStatement insert = db.prepareStatement(
                        "INSERT INTO reading (reading_key, state, accepted_at, payload) VALUES (?, 'QUEUED', ?, ?)")) {
                    List<HandedPack> group = new ArrayList<>();
                    for (int done = 0; done < packs; done += group.size()) {
                        group.clear();
                        group.add(queue.take());
                        queue.drainTo(group);
                        for (HandedPack p : group) {
                            for (int i = 0; i < p.keys().size(); i++) {
                                insert.setString(1, p.keys().get(i));
                                insert.setLong(2, System.currentTimeMillis());
                                insert.setBytes(3, p.payloads().get(i));
                                insert.addBatch();
                            }
                        }
                        insert.executeBatch();
                        db.commit();
                        group.forEach(p -> p.committed().complete(null));
                    }
                }
                return null;
            });
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int first = w;
                running.add(pool.submit(() -> {
                    for (int p = first; p < packs; p += writers) {
                        int from = p * pack;
                        int to = Math.min(readings.size(), from + pack);
                        HandedPack handed = new HandedPack(readings.subList(from, to).stream().map(Reading::key)
                                .toList(), payloads.subList(from, to), new CompletableFuture<>());
                        queue.add(handed);
                        handed.committed().join();
                    }
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
            committer.get();
            double rate = readings.size() / seconds(start);
            try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM reading")) {
                rs.next();
                if (rs.getLong(1) != readings.size()) {
                    throw new IllegalStateException("the raw group commit stored " + rs.getLong(1) + " rows, expected "
                            + readings.size());
                }
            }
            return rate;
        } finally {
            pool.shutdown();
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
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (ReadingBuffer buffer = new ReadingBuffer(BufferSettings.defaults(file).withSynchronous("FULL"),
                Clock.systemUTC(), meters)) {
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
            // How full group commit kept each fsync: at most one pack of each writer.
            System.out.printf("  (%d writers: %.2f packs per group commit, %,d commits)%n", writers,
                    meters.summary("vitalwire.buffer.commit.appends").mean(),
                    meters.summary("vitalwire.buffer.commit.appends").count());
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
