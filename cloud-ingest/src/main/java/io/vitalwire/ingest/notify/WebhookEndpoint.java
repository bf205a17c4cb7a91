package io.vitalwire.ingest.notify;

import static com.fasterxml.jackson.annotation.JsonFormat.Shape.STRING;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A receiver of clinician webhooks, as the admin API shows it: never a secret's value, only when each was made and
 * until when it signs. Times are ISO-8601 instants (UTC).
 *
 * @param stateReason why it is not ENABLED; {@code null} while it is
 * @param secrets     the secrets that sign now, newest first
 */
public record WebhookEndpoint(UUID id, String url, Filters filters, EndpointState state, String stateReason,
                              @JsonFormat(shape = STRING) Instant createdAt,
                              @JsonFormat(shape = STRING) Instant updatedAt, List<Secret> secrets) {

    /**
     * A signing secret's metadata.
     *
     * @param expiresAt when it stops signing (the end of a rotation's overlap); {@code null} for the current one
     */
    public record Secret(long id, @JsonFormat(shape = STRING) Instant createdAt,
                         @JsonFormat(shape = STRING) Instant expiresAt) {
    }
}
