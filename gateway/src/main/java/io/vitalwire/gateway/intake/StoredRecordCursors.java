package io.vitalwire.gateway.intake;

import java.util.OptionalLong;

/**
 * Per device and characteristic, the last stored-record number that reached the buffer (a glucose meter's sequence
 * number), so that a transport asks a device only for newer records, also after a restart. A transport moves a cursor
 * only past records the intake answered {@link IntakeOutcome.Durable}.
 *
 * <p>Failures are {@link RecordCursorException}s. A caller that cannot read a cursor asks the device for all records
 * (the re-sent ones are recognised by their reading key); one that cannot advance it asks for more than needed next
 * time. So losing a cursor never loses a reading.
 */
public interface StoredRecordCursors {

    /**
     * @param device         the device's stable id, as in reading keys
     * @param characteristic the records' 16-bit UUID, e.g. "2A18"
     * @return the last record number that reached the buffer, if any
     */
    OptionalLong last(String device, String characteristic);

    /** Moves the cursor to {@code record} if that is further than where it is; never backwards. */
    void advance(String device, String characteristic, long record);
}
