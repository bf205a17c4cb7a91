package io.vitalwire.gateway.buffer;

import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.Reading;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Seals an append's readings for the buffer — each encoded as the contract's JSON and encrypted with its key as
 * associated data — on the callers' threads and, for a large append, on the other cores as well.
 *
 * <p>Why: sealing costs about as much per reading as SQLite's insert (~4.5 and ~6 µs here), and one writer's large
 * append (a glucose meter's memory, a CoAP device's backlog) used to seal all of it and then insert all of it, the two
 * adding up on one core. A large append is sealed in chunks of {@link #CHUNK}: the first on the caller's thread, the
 * rest on the sealing threads, so that the group commit inserts one chunk while the next is being sealed. A small
 * append — a home's steady load — is sealed on its caller's thread, as before, and starts no thread.
 *
 * <p>The sealing threads are daemons, as many as the cores less one (at least one), and exist only while there is
 * work: they end after a few idle seconds.
 */
final class PackSealer implements AutoCloseable {

    /** Readings per chunk: large enough that handing one over is cheap beside sealing it (~0.6 ms here). */
    static final int CHUNK = 128;
    private static final long IDLE_SECONDS = 5;

    /** A reading as stored: its key in the clear (the contract keeps keys free of patient data), payload sealed. */
    record SealedReading(String key, byte[] payload) {
    }

    /** An append's readings, sealed or being sealed, in chunks in their order. */
    static final class SealedPack {
        private final List<Reading> readings;
        private final List<CompletableFuture<List<SealedReading>>> chunks;

        private SealedPack(List<Reading> readings, List<CompletableFuture<List<SealedReading>>> chunks) {
            this.readings = readings;
            this.chunks = chunks;
        }

        int size() {
            return readings.size();
        }

        int chunkCount() {
            return chunks.size();
        }

        /**
         * The {@code index}th chunk, waiting for it if it is still being sealed.
         *
         * @throws CompletionException it could not be sealed; its cause says why
         */
        List<SealedReading> chunk(int index) {
            return chunks.get(index).join();
        }

        /** The readings' keys, in order; needs no sealing. */
        List<String> keys() {
            return readings.stream().map(Reading::key).toList();
        }

        /** The devices the readings are of, as gaps name them (the key's device segment); needs no sealing. */
        Set<String> devices() {
            Set<String> devices = new LinkedHashSet<>();
            readings.forEach(r -> devices.add(deviceOf(r.key())));
            return devices;
        }
    }

    private final Function<Reading, byte[]> sealOne;
    private final ExecutorService threads;

    /** Seals with {@code cipher} the contract's JSON of each reading, its key the associated data. */
    PackSealer(PayloadCipher cipher) {
        this(sealingWith(cipher, new ContractCodec()));
    }

    PackSealer(Function<Reading, byte[]> sealOne) {
        this.sealOne = sealOne;
        int helpers = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(helpers, helpers, IDLE_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "buffer-seal");
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        this.threads = pool;
    }

    /**
     * Starts sealing {@code readings}: the first chunk now, on this thread (a failure there is thrown at once), the
     * others on the sealing threads.
     */
    SealedPack seal(List<Reading> readings) {
        List<CompletableFuture<List<SealedReading>>> chunks = new ArrayList<>();
        List<Reading> first = readings.subList(0, Math.min(CHUNK, readings.size()));
        for (int from = CHUNK; from < readings.size(); from += CHUNK) {
            List<Reading> chunk = readings.subList(from, Math.min(readings.size(), from + CHUNK));
            chunks.add(CompletableFuture.supplyAsync(() -> sealAll(chunk), threads));
        }
        chunks.add(0, CompletableFuture.completedFuture(sealAll(first)));
        return new SealedPack(readings, chunks);
    }

    private List<SealedReading> sealAll(List<Reading> readings) {
        List<SealedReading> sealed = new ArrayList<>(readings.size());
        for (Reading reading : readings) {
            sealed.add(new SealedReading(reading.key(), sealOne.apply(reading)));
        }
        return sealed;
    }

    private static Function<Reading, byte[]> sealingWith(PayloadCipher cipher, ContractCodec codec) {
        return reading -> cipher.seal(codec.encodeReading(reading), reading.key().getBytes(StandardCharsets.UTF_8));
    }

    /** The device segment of a reading key ({@code gatewayId/deviceId[.uN]/moment/mdc}), as gaps name devices. */
    static String deviceOf(String readingKey) {
        String[] parts = readingKey.split("/", 3);
        return parts.length > 1 ? parts[1] : "unknown";
    }

    @Override
    public void close() {
        threads.shutdown();
    }
}
