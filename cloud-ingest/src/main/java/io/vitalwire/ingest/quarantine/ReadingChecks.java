package io.vitalwire.ingest.quarantine;

import io.vitalwire.contract.Plausibility;
import io.vitalwire.contract.Reading;
import java.time.Instant;
import java.util.Optional;

/**
 * The checks a reading of a readings message meets before the inbox takes it, in one place for the consumer and
 * for replay, so that a replayed reading meets exactly the checks it would meet arriving now:
 *
 * <ul>
 *   <li>{@code GATEWAY_MISMATCH}: a key that does not begin with the sending gateway's id ({@code ReadingKey.of}
 *       puts the gateway first). The key is the reading's identity in the inbox, in FHIR and in InfluxDB, so a
 *       gateway writing under another's keys could claim that gateway's future readings and have the genuine
 *       ones taken for duplicates.</li>
 *   <li>{@code IMPLAUSIBLE_TIME}, {@code IMPLAUSIBLE_VALUE}: outside the contract's plausibility bounds, which a
 *       current gateway already applies at the edge. An old or foreign gateway's year 300000 would otherwise be
 *       refused by PostgreSQL at the inbox commit, again at every redelivery, holding up every message behind it;
 *       a time after 2262 would overflow InfluxDB's nanoseconds.</li>
 * </ul>
 */
public final class ReadingChecks {

    private ReadingChecks() {
    }

    /** Why a reading is set aside instead of taken. */
    public record Refusal(QuarantineReason reason, String detail) {
    }

    /**
     * @param gatewayId  the sending gateway, as the topic names it
     * @param receivedAt when this service received the reading: plausible times are judged against it (a replay
     *                   passes the time the entry arrived, so that a reading far ahead of its arrival does not pass
     *                   by waiting)
     * @return why the reading is refused; empty when the inbox may take it
     */
    public static Optional<Refusal> refusal(String gatewayId, Reading r, Instant receivedAt) {
        String prefix = gatewayId + "/";
        if (!r.key().startsWith(prefix)) {
            return Optional.of(new Refusal(QuarantineReason.GATEWAY_MISMATCH, "key names gateway '"
                    + r.key().substring(0, Math.max(0, r.key().indexOf('/'))) + "', sent by gateway '" + gatewayId
                    + "': a gateway writes only under its own keys"));
        }
        Optional<String> time = Plausibility.implausibleTime(r, receivedAt);
        if (time.isPresent()) {
            return Optional.of(new Refusal(QuarantineReason.IMPLAUSIBLE_TIME, time.get()));
        }
        return Plausibility.implausibleValue(r).map(v -> new Refusal(QuarantineReason.IMPLAUSIBLE_VALUE, v));
    }
}
