package io.vitalwire.ingest.inbox;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ContractViolation;
import io.vitalwire.contract.Reading;
import java.time.Duration;
import java.util.Arrays;

/**
 * Readings this replica took in or read lately, decoded, by inbox entry id. A reading is taken in once and then
 * claimed by every stage, each of which read it back from its stored JSON and decoded it again, checks and all: a
 * fifth of cloud-ingest's CPU at 10,000 hubs (fleet benchmark, JFR). A reading is kept with the bytes it was decoded
 * from and used only for the same bytes, so it is what decoding the stored reading would give, also after an
 * entry's reading was replaced (a key conflict decided for the arrived reading) by this replica or another;
 * {@link Reading} is immutable, so stages on other threads can share it.
 *
 * <p>Kept {@link #KEPT} after it was put or last read, and {@link InboxConfig#getDecodedReadings()} at most: a
 * reading's stages normally finish within seconds, and a reading not kept (a backlog older than that, an entry
 * another replica took in) is decoded from the inbox as before.
 */
final class DecodedReadings {

    /**
     * Long enough for every stage of a reading on a busy replica (seconds at 10,000 hubs), short enough that finished
     * ones go: at 600 readings/s, ~15,000 are kept (~1.5 KB each with their bytes).
     */
    static final Duration KEPT = Duration.ofSeconds(20);

    private final ContractCodec codec;
    private final Cache<Long, Kept> readings;

    private record Kept(byte[] stored, Reading reading) {
    }

    DecodedReadings(ContractCodec codec, int maximum) {
        this.codec = codec;
        // Evictions on the caller's thread: the bound holds at once, with no pool's task behind each put.
        this.readings = Caffeine.newBuilder().maximumSize(Math.max(0, maximum)).expireAfterAccess(KEPT)
                .executor(Runnable::run).build();
    }

    /** The reading just taken in as entry {@code id}, stored as {@code stored}. */
    void taken(long id, byte[] stored, Reading reading) {
        readings.put(id, new Kept(stored, reading));
    }

    /** Entry {@code id}'s reading stored as {@code stored}: the one kept for these bytes, or decoded (then kept). */
    Reading of(long id, byte[] stored) throws ContractViolation {
        Kept kept = readings.getIfPresent(id);
        if (kept != null && Arrays.equals(kept.stored(), stored)) {
            return kept.reading();
        }
        Reading reading = codec.decodeReading(stored);
        readings.put(id, new Kept(stored, reading));
        return reading;
    }
}
