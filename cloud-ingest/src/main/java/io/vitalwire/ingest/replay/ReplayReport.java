package io.vitalwire.ingest.replay;

/**
 * How a replay went.
 *
 * @param examined entries awaiting replay that were looked at
 * @param replayed of those, entries replayed: their readings were ingested again (delivered, windowed, or
 *                 quarantined for another reason) and they are marked replayed
 * @param waiting  of those, entries still waiting: their device still resolves to no patient for them
 */
public record ReplayReport(int examined, int replayed, int waiting) {

    public static final ReplayReport NONE = new ReplayReport(0, 0, 0);

    public ReplayReport plus(ReplayReport other) {
        return new ReplayReport(examined + other.examined, replayed + other.replayed, waiting + other.waiting);
    }
}
