package io.vitalwire.gateway.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The record cursors in a real SQLite file, beside the buffer's own table. */
class RecordCursorsTest {

    @TempDir
    Path dir;

    @Test
    void advance_survivesReopeningTheFile_perDeviceAndCharacteristic() {
        Path file = dir.resolve("buffer.db");
        try (ReadingBuffer buffer = new ReadingBuffer(file, "FULL", Clock.systemUTC());
             RecordCursors cursors = new RecordCursors(buffer, Clock.systemUTC())) {
            assertThat(cursors.last("sn.GLU-1", "2A18")).isEmpty();
            cursors.advance("sn.GLU-1", "2A18", 12);
            cursors.advance("sn.GLU-2", "2A18", 3);
        }
        try (ReadingBuffer buffer = new ReadingBuffer(file, "FULL", Clock.systemUTC());
             RecordCursors cursors = new RecordCursors(buffer, Clock.systemUTC())) {
            assertThat(cursors.last("sn.GLU-1", "2A18")).hasValue(12);
            assertThat(cursors.last("sn.GLU-2", "2A18")).hasValue(3);
            assertThat(cursors.last("sn.GLU-1", "2A5E")).isEmpty();
            assertThat(buffer.stats().unsent()).isZero();
        }
    }

    @Test
    void advance_neverMovesBackwards() {
        try (ReadingBuffer buffer = new ReadingBuffer(dir.resolve("buffer.db"), "FULL", Clock.systemUTC());
             RecordCursors cursors = new RecordCursors(buffer, Clock.systemUTC())) {
            cursors.advance("sn.GLU-1", "2A18", 12);
            cursors.advance("sn.GLU-1", "2A18", 5);
            assertThat(cursors.last("sn.GLU-1", "2A18")).hasValue(12);
            cursors.advance("sn.GLU-1", "2A18", 13);
            assertThat(cursors.last("sn.GLU-1", "2A18")).hasValue(13);
        }
    }
}
