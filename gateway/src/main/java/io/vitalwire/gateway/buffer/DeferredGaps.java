package io.vitalwire.gateway.buffer;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Refusals the {@code gap} table cannot take yet because the disk is full: folded per lane in memory, and written
 * into the table (through {@link GapLog}) by the first transaction that commits again. Until then the refusals are
 * still counted and the health alarm is on; a gateway killed before space returns loses only this record of the gap,
 * never a reading (every refused reading was refused to its device). Guarded by the buffer's write lock.
 */
final class DeferredGaps {

    private final Map<Lane, Refusals> byLane = new EnumMap<>(Lane.class);

    private static final class Refusals {
        long first;
        long last;
        int readings;
        final TreeSet<String> devices = new TreeSet<>();
    }

    void add(Lane lane, long atMillis, int readings, Collection<String> devices) {
        Refusals r = byLane.computeIfAbsent(lane, l -> {
            Refusals fresh = new Refusals();
            fresh.first = atMillis;
            return fresh;
        });
        r.last = atMillis;
        r.readings += readings;
        for (String d : devices) {
            if (r.devices.size() < Gap.MAX_DEVICES) {
                r.devices.add(d);
            }
        }
    }

    boolean isEmpty() {
        return byLane.isEmpty();
    }

    /** Writes them into the gap table in the caller's transaction; {@link #clear()} once that commits. */
    void writeTo(Connection db) throws SQLException {
        for (Map.Entry<Lane, Refusals> e : byLane.entrySet()) {
            Refusals r = e.getValue();
            GapLog.record(db, e.getKey(), GapReason.DISK_FULL, r.first, r.last, r.readings, r.devices);
        }
    }

    void clear() {
        byLane.clear();
    }
}
