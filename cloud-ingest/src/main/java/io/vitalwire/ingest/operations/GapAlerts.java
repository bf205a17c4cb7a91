package io.vitalwire.ingest.operations;

import io.vitalwire.contract.GatewayEvent;
import io.vitalwire.ingest.rules.Severity;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * {@code buffer-gap} (warning): a gateway's buffer refused readings (at capacity, or with its disk full), so they are
 * missing downstream. One alert per gap: its id derives from the gap's id and first refusal, which stay the same
 * when the gateway re-sends a gap that grew (new totals, same {@code gapId}), and differ for a gap of a new buffer
 * file whose ids start again.
 * The alert's value is the count of refused readings first reported; the event listing has the latest.
 */
@Singleton
class GapAlerts {

    /** UCUM annotation: a count of readings. */
    private static final String UNIT = "{readings}";

    private final OperationsAlerts alerts;

    GapAlerts(OperationsAlerts alerts) {
        this.alerts = alerts;
    }

    /** @return whether an alert was raised now (false for a gap alerted before, or one without a gap id) */
    boolean reported(String tenant, GatewayEvent gap) throws SQLException {
        String gapId = gap.attributes().get("gapId");
        if (gapId == null) {
            return false;
        }
        Instant firstRefusedAt = instant(gap.attributes().get("firstRefusedAt"), gap.at());
        return !alerts.raise(c -> List.of(alerts.notice(OperationsRule.BUFFER_GAP, Severity.WARNING, tenant,
                gap.gatewayId(), null, null, gap.gatewayId(), "gap:" + gapId + "@" + firstRefusedAt, firstRefusedAt,
                count(gap.attributes().get("refusedReadings")), UNIT))).isEmpty();
    }

    private static Instant instant(String text, Instant otherwise) {
        try {
            return text == null ? otherwise : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return otherwise;
        }
    }

    private static BigDecimal count(String text) {
        try {
            return text == null ? null : new BigDecimal(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
