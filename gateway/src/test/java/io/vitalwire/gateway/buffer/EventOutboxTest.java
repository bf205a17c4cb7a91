package io.vitalwire.gateway.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The device events waiting for the broker, in a real SQLite file beside the buffer's readings. */
class EventOutboxTest {

    @TempDir
    Path dir;

    @Test
    void append_survivesReopeningTheFile_inOrder_untilRemoved() {
        Path file = dir.resolve("buffer.db");
        AtomicInteger appended = new AtomicInteger();
        try (ReadingBuffer buffer = new ReadingBuffer(file, "FULL", Clock.systemUTC())) {
            EventOutbox outbox = new EventOutbox(buffer, Clock.systemUTC());
            outbox.onAppend(appended::incrementAndGet);
            outbox.append(bytes("battery 18"));
            outbox.append(bytes("disconnected"));
        }
        assertThat(appended).hasValue(2);
        try (ReadingBuffer buffer = new ReadingBuffer(file, "FULL", Clock.systemUTC())) {
            EventOutbox outbox = new EventOutbox(buffer, Clock.systemUTC());
            List<EventOutbox.Pending> pending = outbox.oldest(10);
            assertThat(pending).extracting(p -> text(p.payload())).containsExactly("battery 18", "disconnected");
            outbox.remove(pending.get(0).id());
            assertThat(outbox.oldest(10)).extracting(p -> text(p.payload())).containsExactly("disconnected");
            assertThat(outbox.oldest(0)).isEmpty();
            assertThat(buffer.stats().unsent()).as("no reading among them").isZero();
        }
    }

    @Test
    void append_beyondTheBound_dropsTheOldest() {
        try (ReadingBuffer buffer = new ReadingBuffer(dir.resolve("buffer.db"), "FULL", Clock.systemUTC())) {
            EventOutbox outbox = new EventOutbox(buffer, Clock.systemUTC(), 3);
            int dropped = 0;
            for (int i = 1; i <= 5; i++) {
                dropped += outbox.append(bytes("event " + i));
            }
            assertThat(dropped).isEqualTo(2);
            assertThat(outbox.oldest(10)).extracting(p -> text(p.payload()))
                    .containsExactly("event 3", "event 4", "event 5");
        }
    }

    @Test
    void eventsAndReadings_interleaved_neverRefuseEachOther() {
        try (ReadingBuffer buffer = new ReadingBuffer(dir.resolve("buffer.db"), "FULL", Clock.systemUTC())) {
            EventOutbox outbox = new EventOutbox(buffer, Clock.systemUTC());
            for (int i = 0; i < 20; i++) {
                outbox.append(bytes("battery " + i));
                buffer.append(Lane.CRITICAL, List.of(GlucoseRecords.reading("GLU-1", i)));
                assertThat(buffer.claimNext(10)).isNotEmpty();
                outbox.remove(outbox.oldest(1).get(0).id());
            }
            assertThat(outbox.oldest(100)).isEmpty();
            assertThat(buffer.stats().unsent()).isEqualTo(20);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
