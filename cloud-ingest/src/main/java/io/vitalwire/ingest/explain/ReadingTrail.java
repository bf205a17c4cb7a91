package io.vitalwire.ingest.explain;

import io.vitalwire.ingest.quarantine.QuarantineView;
import java.util.List;

/**
 * Where one reading went, by its key: the answer to "the device measured, why is there no data?". Holds ids and
 * reasons, never values or patients.
 *
 * @param outcome      "delivered" (an Observation holds it: its own, or its window's), "windowed" (a sample of a
 *                     continuous stream, kept in a window whose Observation does not hold it yet: see
 *                     {@code window.status}), "quarantined" (set aside with a reason), "pending" (received and
 *                     durable in the inbox, on its way: see {@code inbox}), or "unknown" (not seen by cloud-ingest:
 *                     still at the gateway, in flight, or never sent)
 * @param observations the FHIR Observations holding this reading: the one carrying its key, or its window's
 * @param influxPoints the InfluxDB points carrying this key (one per value of the reading); {@code null} when
 *                     InfluxDB could not be asked
 * @param window       the window of a stream sample; {@code null} for a spot measurement
 * @param quarantine   every time the reading was set aside, with the reason and whether it was replayed since
 * @param inbox        its way through the inbox, stage by stage; {@code null} when the inbox does not hold it
 *                     (never received, or purged after its retention)
 * @param unavailable  the systems that could not be asked, with the error (e.g. {@code influxdb: Connection
 *                     refused}): what they would have said is missing from this answer
 */
public record ReadingTrail(String key, String outcome, List<String> observations, Long influxPoints,
                           Window window, List<QuarantineView> quarantine, Inbox inbox, List<String> unavailable) {

    /**
     * The reading in the inbox.
     *
     * @param receivedAt when its message arrived (the first time)
     * @param stages     in pipeline order (resolve, then fhir and influx once resolved): each with its state
     */
    public record Inbox(String receivedAt, List<Stage> stages) {
    }

    /**
     * One stage of the reading.
     *
     * @param state         "pending", "done" or "quarantined"
     * @param attempts      failed attempts so far
     * @param lastError     the last failure, while pending
     * @param nextAttemptAt when a pending entry is tried next
     * @param outcome       how it ended, e.g. "delivered Observation/12", "written 3 points", "quarantined …"
     */
    public record Stage(String stage, String state, int attempts, String lastError, String nextAttemptAt,
                        String doneAt, String outcome) {
    }

    /**
     * The window holding a stream sample.
     *
     * @param status      "open" (the window has not ended), "awaiting-write" (ended, to be written after the grace
     *                    period, or revised after a late sample), "write-failing" (its writes failed; retried with
     *                    backoff, {@code lastError} says why), or "written" (its Observation holds this sample)
     * @param observation the window's Observation, once written (it may not hold this sample yet: see status)
     */
    public record Window(long id, String start, String end, String status, String observation, String lastError) {
    }
}
