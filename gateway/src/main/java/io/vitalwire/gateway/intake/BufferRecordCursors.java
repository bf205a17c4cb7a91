package io.vitalwire.gateway.intake;

import io.vitalwire.gateway.buffer.BufferException;
import io.vitalwire.gateway.buffer.RecordCursors;
import jakarta.inject.Singleton;
import java.util.OptionalLong;

/**
 * The record cursors kept in the buffer's own SQLite file ({@link RecordCursors}), so that a cursor and the readings
 * it counts live and die together; buffer failures become {@link RecordCursorException}s for the transports.
 */
@Singleton
public class BufferRecordCursors implements StoredRecordCursors {

    private final RecordCursors cursors;

    public BufferRecordCursors(RecordCursors cursors) {
        this.cursors = cursors;
    }

    @Override
    public OptionalLong last(String device, String characteristic) {
        try {
            return cursors.last(device, characteristic);
        } catch (BufferException e) {
            throw new RecordCursorException(e.getMessage(), e);
        }
    }

    @Override
    public void advance(String device, String characteristic, long record) {
        try {
            cursors.advance(device, characteristic, record);
        } catch (BufferException e) {
            throw new RecordCursorException(e.getMessage(), e);
        }
    }
}
