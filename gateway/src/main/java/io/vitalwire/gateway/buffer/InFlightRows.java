package io.vitalwire.gateway.buffer;

import java.util.ArrayList;
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
 * <p>The resume points spare each claim from re-reading the rows already in flight or acknowledged; they are only an
 * optimisation (rows in flight are skipped by id), so putting them back is always safe — but since the buffer has no
 * index by lane (see {@link RowCounts}), a claim reads its way past other lanes' rows, so they go back no further than
 * needed: every row of a lane at or below its resume point is held, acknowledged or {@linkplain #requeued requeued}
 * since, and a {@link #rewind} or {@link #restart} resumes each segment just below the lowest row requeued in it.
 * Guarded by the buffer's lock.
 */
final class InFlightRows {

    private static final int LIVE = 0;
    private static final int BACKLOG = 1;

    /** Every row held, published or not, with its lane (acknowledged runs are made of one lane's rows). */
    private final Map<Long, Lane> ids = new HashMap<>();
    /** Of {@link #ids}, those the broker acknowledged, awaiting their receipt. */
    private final Set<Long> published = new HashSet<>();
    private final long[] resumeAfter = new long[2 * Lane.values().length];
    /** Per segment and lane, the lowest row requeued since the last {@link #rewind} or {@link #restart}. */
    private final long[] lowestRequeued = new long[2 * Lane.values().length];
    private long liveAbove;

    InFlightRows() {
        Arrays.fill(resumeAfter, Long.MIN_VALUE);
        Arrays.fill(lowestRequeued, Long.MAX_VALUE);
    }

    /**
     * Rows above {@code liveAbove} are live, the rest backlog (the live rows so far among it): each lane's live claims
     * start at {@code liveAbove}, its backlog claims where they were, or just below the lowest row requeued since.
     */
    void restart(long liveAbove) {
        for (Lane lane : Lane.values()) {
            long lowest = Math.min(lowestRequeued[slot(true, lane)], lowestRequeued[slot(false, lane)]);
            int backlog = slot(false, lane);
            resumeAfter[backlog] = Math.min(resumeAfter[backlog], below(lowest));
            resumeAfter[slot(true, lane)] = liveAbove;
        }
        Arrays.fill(lowestRequeued, Long.MAX_VALUE);
        this.liveAbove = liveAbove;
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

    /**
     * The segment holds no more claimable rows of the lane up to {@code upTo} (its end, or for the live rows the
     * highest id there is): the next claim resumes there instead of reading past other lanes' rows again.
     */
    void exhausted(boolean live, Lane lane, long upTo) {
        int slot = slot(live, lane);
        resumeAfter[slot] = Math.max(resumeAfter[slot], upTo);
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

    /** @return the given rows that were held (in flight or published), now no longer: they are acknowledged */
    List<Long> release(Collection<Long> rowIds) {
        List<Long> released = rowIds.stream().filter(id -> ids.remove(id) != null).toList();
        released.forEach(published::remove);
        return released;
    }

    /**
     * @return the given rows that were held, now no longer: claimable again, behind the resume points, from the next
     *         {@link #rewind} or {@link #restart} on
     */
    List<Long> requeued(Collection<Long> rowIds) {
        List<Long> requeued = new ArrayList<>();
        for (long id : rowIds) {
            Lane lane = ids.remove(id);
            if (lane != null) {
                published.remove(id);
                int slot = slot(id > liveAbove, lane);
                lowestRequeued[slot] = Math.min(lowestRequeued[slot], id);
                requeued.add(id);
            }
        }
        return requeued;
    }

    /** Rows requeued since the last rewind are claimable again: each segment resumes just below its lowest. */
    void rewind() {
        for (int slot = 0; slot < resumeAfter.length; slot++) {
            resumeAfter[slot] = Math.min(resumeAfter[slot], below(lowestRequeued[slot]));
        }
        Arrays.fill(lowestRequeued, Long.MAX_VALUE);
    }

    private static long below(long id) {
        return id == Long.MAX_VALUE ? Long.MAX_VALUE : id - 1;
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
