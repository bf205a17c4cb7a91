package io.vitalwire.ingest.notify;

import static com.fasterxml.jackson.annotation.JsonFormat.Shape.STRING;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.time.Instant;
import java.util.UUID;

/**
 * A delivery as the admin API lists it: ids, state and the receiver's answers, never the payload (it holds the
 * patient and the values). Times are ISO-8601 instants (UTC).
 *
 * @param lastStatus the HTTP status of the last attempt; {@code null} without an answer (timeout, refused)
 * @param lastError  what went wrong on the last failed attempt
 * @param reason     why it is DEAD
 */
public record DeliveryView(long id, String webhookId, UUID alertId, String event, UUID endpointId,
                           DeliveryState state, int attempts, @JsonFormat(shape = STRING) Instant createdAt,
                           @JsonFormat(shape = STRING) Instant nextAt,
                           @JsonFormat(shape = STRING) Instant lastAttemptAt, Integer lastStatus, String lastError,
                           @JsonFormat(shape = STRING) Instant deliveredAt, String reason,
                           @JsonFormat(shape = STRING) Instant replayedAt) {
}
