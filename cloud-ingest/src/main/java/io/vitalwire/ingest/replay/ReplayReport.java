package io.vitalwire.ingest.replay;

import java.util.ArrayList;
import java.util.List;

/**
 * How a replay went.
 *
 * @param examined entries awaiting replay that were looked at
 * @param replayed of those, entries replayed: their readings were ingested again (delivered, windowed, or
 *                 quarantined for another reason) and they are marked replayed
 * @param waiting  of those, entries still waiting: the check they failed refuses them still
 * @param entries  for an operator's replay, what became of each entry examined; the sweep keeps none
 */
public record ReplayReport(int examined, int replayed, int waiting, List<EntryOutcome> entries) {

    public static final ReplayReport NONE = new ReplayReport(0, 0, 0, List.of());

    /**
     * What a replay or a decision made of one entry.
     *
     * @param outcome the metric's and the audit's tag, e.g. {@code readded}, {@code still-quarantined}
     * @param detail  the entry's result, or the refusal it met again
     */
    public record EntryOutcome(long id, String reason, String outcome, String detail) {
    }

    public ReplayReport plus(ReplayReport other) {
        List<EntryOutcome> all = new ArrayList<>(entries);
        all.addAll(other.entries);
        return new ReplayReport(examined + other.examined, replayed + other.replayed, waiting + other.waiting,
                List.copyOf(all));
    }
}
