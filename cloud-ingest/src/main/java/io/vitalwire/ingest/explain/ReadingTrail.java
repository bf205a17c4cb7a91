package io.vitalwire.ingest.explain;

import java.util.List;

/**
 * Where one reading went, by its key: the answer to "the device measured, why is there no data?". Holds ids and
 * reasons, never values or patients.
 *
 * @param outcome      "delivered" (an Observation exists), "quarantined" (set aside with a reason), or "unknown"
 *                     (not seen by cloud-ingest: still at the gateway, in flight, or never sent)
 * @param observations the FHIR Observation ids carrying this key (exactly one when delivered)
 * @param influxPoints the InfluxDB points carrying this key (one per value of the reading)
 * @param quarantine   every time the reading was set aside, with the reason
 */
public record ReadingTrail(String key, String outcome, List<String> observations, long influxPoints,
                           List<Quarantined> quarantine) {

    /** One quarantine entry for the reading. */
    public record Quarantined(long id, String at, String reason, String detail) {
    }
}
