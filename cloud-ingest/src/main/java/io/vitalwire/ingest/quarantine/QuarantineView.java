package io.vitalwire.ingest.quarantine;

/**
 * A quarantine entry as the admin API shows it: ids, reason and replay, never the payload (which holds the values).
 *
 * @param at           when it was quarantined (UTC)
 * @param readingKey   the reading's key; {@code null} for a whole payload refused by the contract
 * @param device       the reading's device serial or BLE address; {@code null} for a whole payload
 * @param replayedAt   when it was replayed; {@code null} while it was not
 * @param replayResult what became of the reading when replayed, e.g. {@code delivered Observation/12}
 */
public record QuarantineView(long id, String at, String topic, String readingKey, String device, String reason,
                             String detail, String replayedAt, String replayResult) {

    public static QuarantineView of(QuarantineStore.Entry e) {
        return new QuarantineView(e.id(), e.at().toString(), e.topic(), e.readingKey(), e.device(),
                e.reason().name(), e.detail(), e.replayedAt() == null ? null : e.replayedAt().toString(),
                e.replayResult());
    }
}
