package io.vitalwire.gateway.buffer;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rows the uplink holds ({@link RowState#IN_FLIGHT} and {@link RowState#PUBLISHED}), and where each lane's next
 * claim resumes.
 *
 * <p>IN_FLIGHT and PUBLISHED live in memory only (PUBLISHED for the same reason). Written to the file it cost a rewrite of every row of every batch, half of the
 * uplink's disk writes, and bought nothing: after a crash every unacknowledged row must be sent again anyway, and an
 * in-memory IN_FLIGHT row is on disk as QUEUED, so that is exactly what a restart finds.
 *
 * <p>The resume points spare each claim from re-reading the rows already in flight; they are only an optimisation
 * (rows in flight are skipped by id), so putting them back to the start is always safe. Guarded by the buffer's lock.
 */
final class InFlightRows {

    private static final int LIVE = 0;
    private static final int BACKLOG = 1;

    /** Every row held, published or not, with its lane (acknowledged runs are made of one lane's rows). */
    private final Map<Long, Lane> ids = new HashMap<>();
    /** Of {@link #ids}, those the broker acknowledged, awaiting their receipt. */
    private final Set<Long> published = new HashSet<>();
    private final long[] resumeAfter = new long[2 * Lane.values().length];
    private long liveAbove;

    /** Rows above {@code liveAbove} are live, the rest backlog; claims start over from each segment's beginning. */
    void restart(long liveAbove) {
        this.liveAbove = liveAbove;
        Arrays.fill(resumeAfter, LIVE * Lane.values().length, BACKLOG * Lane.values().length, liveAbove);
        Arrays.fill(resumeAfter, BACKLOG * Lane.values().length, resumeAfter.length, Long.MIN_VALUE);
    }

    long liveAbove() {
        return liveAbove;
    }

    /** The id range still to claim from: {lowest exclusive, highest inclusive}, live rows first. */
    long[] range(boolean live, Lane lane) {
        return new long[] {resumeAfter[slot(live, lane)], live ? Long.MAX_VALUE : liveAbove};
    }

    void passed(boolean live, Lane lane, long id) {
        resumeAfter[slot(live, lane)] = id;
    }

    boolean holds(long id) {
        return ids.containsKey(id);
    }

    /** The lane of a row held. */
    Lane laneOf(long id) {
        return ids.get(id);
    }

    void claimed(Map<Long, Lane> rows) {
        ids.putAll(rows);
    }

    /** @return the given rows that are in flight (they stay so) */
    List<Long> held(Collection<Long> rowIds) {
        return rowIds.stream().filter(ids::containsKey).toList();
    }

    /** @return the given rows that were held and not published yet, now published */
    List<Long> publish(Collection<Long> rowIds) {
        return rowIds.stream().filter(id -> ids.containsKey(id) && published.add(id)).toList();
    }

    /** @return the given rows that were held (in flight or published), now no longer */
    List<Long> release(Collection<Long> rowIds) {
        List<Long> released = rowIds.stream().filter(id -> ids.remove(id) != null).toList();
        released.forEach(published::remove);
        return released;
    }

    /** Released rows are claimable again, behind the resume points: start over (in-flight rows are skipped). */
    void rewind() {
        restart(liveAbove);
    }

    /** Rows held but not published yet. */
    int inFlight() {
        return ids.size() - published.size();
    }

    int published() {
        return published.size();
    }

    private static int slot(boolean live, Lane lane) {
        return (live ? LIVE : BACKLOG) * Lane.values().length + lane.ordinal();
    }
}
