package io.vitalwire.sims.bench;

import io.vitalwire.contract.Reading;
import io.vitalwire.gateway.buffer.Lane;
import io.vitalwire.gateway.buffer.Lane;
import io.vitalwire.gateway.buffer.ReadingBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** Buffers as the gateway opens them by default (synchronous=FULL), for benchmarks that start at the store. */
final class BenchBuffers {

    private BenchBuffers() {
    }

    static ReadingBuffer open(Path file) {
        return new ReadingBuffer(file, "FULL", Clock.systemUTC());
    }

    /** Readings as a live device delivers them. */
    static void appendLive(ReadingBuffer buffer, List<Reading> readings) {
        buffer.append(Lane.CRITICAL, readings);
    }
}
