package io.vitalwire.gateway.buffer;

import static io.vitalwire.gateway.buffer.GlucoseRecords.reading;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalwire.contract.Reading;
import io.vitalwire.gateway.buffer.PackSealer.SealedPack;
import io.vitalwire.gateway.buffer.PackSealer.SealedReading;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** An append's readings sealed in order: a small one on its caller's thread, a large one also on sealing threads. */
class PackSealerTest {

    private final Set<String> sealingThreads = ConcurrentHashMap.newKeySet();
    private final Function<Reading, byte[]> byKey = r -> {
        sealingThreads.add(Thread.currentThread().getName());
        return r.key().getBytes(StandardCharsets.UTF_8);
    };

    @Test
    void aSmallAppend_isSealedOnItsCallersThread_inOneChunk() {
        try (PackSealer sealer = new PackSealer(byKey)) {
            SealedPack pack = sealer.seal(readings(PackSealer.CHUNK));

            assertThat(pack.chunkCount()).isEqualTo(1);
            assertThat(sealingThreads).containsExactly(Thread.currentThread().getName());
        }
    }

    @Test
    void aLargeAppend_isSealedInChunks_inTheReadingsOrder_partlyOnTheSealingThreads() {
        List<Reading> readings = readings(PackSealer.CHUNK * 7 + 5);
        try (PackSealer sealer = new PackSealer(byKey)) {
            SealedPack pack = sealer.seal(readings);

            assertThat(pack.chunkCount()).isEqualTo(8);
            List<String> sealed = new ArrayList<>();
            for (int c = 0; c < pack.chunkCount(); c++) {
                pack.chunk(c).stream().map(r -> new String(r.payload(), StandardCharsets.UTF_8) + "|" + r.key())
                        .forEach(sealed::add);
            }
            assertThat(sealed).containsExactlyElementsOf(readings.stream().map(r -> r.key() + "|" + r.key()).toList());
            assertThat(pack.keys()).containsExactlyElementsOf(readings.stream().map(Reading::key).toList());
            assertThat(sealingThreads).contains(Thread.currentThread().getName(), "buffer-seal");
        }
    }

    @Test
    void aFailureOnTheCallersChunk_isThrownAtOnce_oneOnALaterChunk_whenThatChunkIsTaken() {
        List<Reading> readings = readings(PackSealer.CHUNK * 3);
        Reading poisonedFirst = readings.get(1);
        Reading poisonedLater = readings.get(PackSealer.CHUNK * 2 + 1);
        Function<Reading, byte[]> failing = r -> {
            if (r == poisonedFirst || r == poisonedLater) {
                throw new IllegalStateException("cannot seal " + r.key());
            }
            return new byte[1];
        };
        try (PackSealer sealer = new PackSealer(failing)) {
            assertThatThrownBy(() -> sealer.seal(readings)).isInstanceOf(IllegalStateException.class);

            SealedPack pack = sealer.seal(readings.subList(PackSealer.CHUNK, readings.size()));
            List<SealedReading> first = pack.chunk(0);
            assertThat(first).hasSize(PackSealer.CHUNK);
            assertThatThrownBy(() -> pack.chunk(1)).isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void devices_areTheKeysDeviceSegments() {
        try (PackSealer sealer = new PackSealer(byKey)) {
            SealedPack pack = sealer.seal(List.of(reading("METER-A", 1), reading("METER-B", 2), reading("METER-A", 3)));

            assertThat(pack.devices()).containsExactly(PackSealer.deviceOf(reading("METER-A", 1).key()),
                    PackSealer.deviceOf(reading("METER-B", 1).key()));
        }
    }

    private static List<Reading> readings(int count) {
        return LongStream.range(0, count).mapToObj(GlucoseRecords::reading).toList();
    }
}
