package io.vitalwire.sims.fleet;

import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ContractViolation;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.Receipt;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the fleet sent and what the cloud confirmed, the way a gateway's buffer keeps it: every reading key with when
 * it was first published, every batch until a receipt names it, and the alerting readings whose webhooks are
 * awaited. A benchmark compares it with what cloud-ingest holds, key by key.
 */
final class FleetLedger {

    /** A readings batch not yet named by a receipt. */
    record Batch(FleetHub hub, String batchId, List<Reading> readings, long sentNanos, long resendAtNanos) {
    }

    private final ContractCodec codec = new ContractCodec();
    private final Map<String, Long> firstSent = new ConcurrentHashMap<>();
    private final Map<String, Long> alerts = new ConcurrentHashMap<>();
    private final Map<String, Batch> outstanding = new ConcurrentHashMap<>();
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong resends = new AtomicLong();
    private final AtomicLong receipted = new AtomicLong();
    private final AtomicLong strayReceipts = new AtomicLong();
    /**
     * Keys a new (not resent) batch carried that an earlier batch had already carried: the simulator measuring twice
     * under one key, its own fault, which cloud-ingest rightly quarantines as {@code KEY_CONFLICT}. The first few
     * with the path that generated them.
     */
    private final AtomicLong generatedTwice = new AtomicLong();
    private final List<String> generatedTwiceFirst = new CopyOnWriteArrayList<>();

    void sent(Batch batch, boolean resend) {
        outstanding.put(batch.batchId(), batch);
        messages.incrementAndGet();
        if (resend) {
            resends.incrementAndGet();
        } else {
            for (Reading r : batch.readings()) {
                if (firstSent.putIfAbsent(r.key(), batch.sentNanos()) != null
                        && generatedTwice.incrementAndGet() <= 5) {
                    generatedTwiceFirst.add(withoutDevice(r.key()) + " at " + StackWalker.getInstance()
                            .walk(frames -> frames.skip(1).limit(4)
                                    .map(f -> f.getMethodName() + ":" + f.getLineNumber()).toList()));
                }
            }
        }
    }

    void alerting(String key, long sentNanos) {
        alerts.put(key, sentNanos);
    }

    /** A receipt from cloud-ingest: the batches it names are durable there and settled here. */
    void receipt(byte[] payload) {
        try {
            Receipt receipt = codec.decode(payload, Receipt.class);
            for (String id : receipt.batches()) {
                Batch settled = outstanding.remove(id);
                if (settled == null) {
                    strayReceipts.incrementAndGet();
                } else {
                    receipted.addAndGet(settled.readings().size());
                }
            }
        } catch (ContractViolation e) {
            strayReceipts.incrementAndGet();
        }
    }

    /** The batch is due again at {@code nanos} (the broker dropped it), if no receipt settled it meanwhile. */
    void dueSooner(String batchId, long nanos) {
        outstanding.computeIfPresent(batchId, (id, b) -> new Batch(b.hub(), id, b.readings(), b.sentNanos(), nanos));
    }

    /** A key as printed: gateway, moment and code, without the device segment (no device identifiers in output). */
    private static String withoutDevice(String key) {
        String[] parts = key.split("/");
        return parts.length == 4 ? parts[0] + "/…/" + parts[2] + "/" + parts[3] : "(a key of another form)";
    }

    /** How many keys the simulator generated a second time, and the first few (see {@link #generatedTwice}). */
    String generatedTwice() {
        return generatedTwice.get() == 0 ? "" : generatedTwice.get() + " keys generated twice by the simulator, "
                + "first: " + generatedTwiceFirst;
    }

    int abandonOutstanding() {
        int count = outstanding.size();
        outstanding.clear();
        return count;
    }

    /** Takes the batch out to be sent again (under a new id). */
    Batch takeForResend(String batchId) {
        return outstanding.remove(batchId);
    }

    Iterable<Batch> outstanding() {
        return outstanding.values();
    }

    int outstandingBatches() {
        return outstanding.size();
    }

    int readings() {
        return firstSent.size();
    }

    Set<String> keys() {
        return firstSent.keySet();
    }

    /** Keys first sent at or after {@code nanos} ({@link System#nanoTime()}). */
    java.util.List<String> keysSentSince(long nanos) {
        return firstSent.entrySet().stream().filter(e -> e.getValue() >= nanos).map(Map.Entry::getKey).toList();
    }

    Long sentNanos(String key) {
        return firstSent.get(key);
    }

    Map<String, Long> alerts() {
        return alerts;
    }

    long messages() {
        return messages.get();
    }

    long resends() {
        return resends.get();
    }

    long receiptedReadings() {
        return receipted.get();
    }

    long strayReceipts() {
        return strayReceipts.get();
    }
}
