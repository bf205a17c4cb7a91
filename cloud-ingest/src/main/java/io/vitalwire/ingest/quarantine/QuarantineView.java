package io.vitalwire.ingest.quarantine;

/**
 * A quarantine entry as the admin API shows it: ids, reason and replay, never the payload (which holds the values).
 *
 * @param at           when it was quarantined (UTC)
 * @param readingKey   the reading's key; {@code null} for a whole payload refused by the contract
 * @param device       the reading's device serial or BLE address; {@code null} for a whole payload
 * @param detail       why it was set aside; after a replay that left it quarantined, the refusal that replay met
 * @param state        {@code AWAITING}, {@code REPLAYED} or {@code DISMISSED} ({@link QuarantineState})
 * @param attempts     replays that judged it and left it awaiting
 * @param replayedAt   when it was replayed; {@code null} while it was not
 * @param replayResult what became of the reading when replayed, e.g. {@code delivered Observation/12}, or who
 *                     dismissed it and why
 */
public record QuarantineView(long id, String at, String topic, String readingKey, String device, String reason,
                             String detail, String state, int attempts, String replayedAt, String replayResult) {

    public static QuarantineView of(QuarantineStore.Entry e) {
        return new QuarantineView(e.id(), e.at().toString(), e.topic(), e.readingKey(), e.device(),
                e.reason().name(), e.detail(), e.state().name(), e.attempts(),
                e.replayedAt() == null ? null : e.replayedAt().toString(), e.replayResult());
    }
}
