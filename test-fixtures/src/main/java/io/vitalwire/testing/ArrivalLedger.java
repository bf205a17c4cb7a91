package io.vitalwire.testing;

import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingBatch;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * What reached the cloud side, counted by reading key: a loss is an expected key that never came, a duplicate is a
 * key that came more than once (recognisable, so the cloud stores it once).
 */
public final class ArrivalLedger {

    private final Map<String, Integer> counts = new ConcurrentHashMap<>();
    private final Map<String, Instant> firstArrivals = new ConcurrentHashMap<>();
    private final Map<String, Reading> firstReadings = new ConcurrentHashMap<>();
    private final List<String> refused = new CopyOnWriteArrayList<>();

    public void record(ReadingBatch batch, Instant at) {
        for (Reading reading : batch.readings()) {
            counts.merge(reading.key(), 1, Integer::sum);
            firstArrivals.putIfAbsent(reading.key(), at);
            firstReadings.putIfAbsent(reading.key(), reading);
        }
    }

    /** A message the contract's codec refused: no gateway should ever send one. */
    public void refused(String topic, String reason) {
        refused.add(topic + ": " + reason);
    }

    public List<String> refused() {
        return List.copyOf(refused);
    }

    public Set<String> keys() {
        return Set.copyOf(counts.keySet());
    }

    /** The expected keys that have not arrived (yet). */
    public Set<String> missing(Collection<String> expected) {
        return expected.stream().filter(key -> !counts.containsKey(key))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Arrivals beyond the first, over all keys. */
    public long duplicates() {
        return counts.values().stream().mapToLong(n -> n - 1L).sum();
    }

    /** The reading as it first arrived under this key, if it has: its times and clock quality, for instance. */
    public Optional<Reading> reading(String key) {
        return Optional.ofNullable(firstReadings.get(key));
    }

    /** When the first of these keys arrived, if any has. */
    public Optional<Instant> firstArrivalOf(Collection<String> keys) {
        return keys.stream().map(firstArrivals::get).filter(Objects::nonNull).min(Instant::compareTo);
    }
}
