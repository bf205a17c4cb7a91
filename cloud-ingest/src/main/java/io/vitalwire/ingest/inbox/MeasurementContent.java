package io.vitalwire.ingest.inbox;

import io.vitalwire.contract.Reading;
import java.util.Objects;

/**
 * Whether two readings under one key are the same measurement, which decides between a harmless duplicate and a
 * {@code KEY_CONFLICT}.
 *
 * <p>Compared: what the device measured and said about it — type, codes, values (with their scale: {@code 128.0}
 * and {@code 128} differ, as the contract says), the device and user, the record's sequence and the device's own
 * time, the source and the flags. Not compared: {@code measuredAt}, {@code receivedAt}, {@code clockOffsetMillis}
 * and {@code clockQuality}, which the gateway decides when it receives the record: a device that sends a stored
 * record again (a glucose meter asked for its records, a cuff after a lost connection) gets the same key and is
 * timed again. Those fields are in the key only when the reading has no device time ({@code r…}), and then they
 * cannot differ.
 */
final class MeasurementContent {

    private MeasurementContent() {
    }

    static boolean same(Reading a, Reading b) {
        return a.type() == b.type()
                && a.mdc().equals(b.mdc())
                && Objects.equals(a.loinc(), b.loinc())
                && a.values().equals(b.values())
                && a.device().equals(b.device())
                && Objects.equals(a.sequence(), b.sequence())
                && Objects.equals(a.deviceTime(), b.deviceTime())
                && Objects.equals(a.source(), b.source())
                && a.flags().equals(b.flags());
    }
}
