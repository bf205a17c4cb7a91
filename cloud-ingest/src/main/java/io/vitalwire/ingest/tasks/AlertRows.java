package io.vitalwire.ingest.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.vitalwire.ingest.notify.AlertNotice;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Reads {@code alert} rows (V7, plus V9's {@code escalated_at} and V10's {@code device}) selected with
 * {@link #COLUMNS} as alias {@code a}.
 */
final class AlertRows {

    /** The columns {@link #read} takes, by name: a query may select more. */
    static final String COLUMNS = "a.id, a.tenant, a.kind, a.rule, a.severity, a.patient, a.gateway, a.reading_key, "
            + "a.measured_at, a.late, a.value, a.unit, a.reading_values, a.raised_at, a.state, a.escalated_at, "
            + "a.acknowledged_at, a.acknowledged_by, a.device";

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<List<AlertNotice.Value>> VALUES = new TypeReference<>() {
    };

    private AlertRows() {
    }

    static TrackedAlert read(ResultSet rs) throws SQLException {
        UUID id = rs.getObject("id", UUID.class);
        String values = rs.getString("reading_values");
        List<AlertNotice.Value> parsed;
        try {
            parsed = values == null ? List.of() : JSON.readValue(values, VALUES);
        } catch (JsonProcessingException e) {
            throw new SQLException("alert " + id + " holds values that cannot be read", e);
        }
        AlertNotice notice = new AlertNotice(id, rs.getString("tenant"), rs.getString("kind"), rs.getString("rule"),
                rs.getString("severity"), rs.getString("patient"), rs.getString("gateway"), rs.getString("device"),
                rs.getString("reading_key"), instant(rs, "measured_at"), rs.getBoolean("late"),
                rs.getBigDecimal("value"), rs.getString("unit"), parsed, instant(rs, "raised_at"));
        return new TrackedAlert(notice, AlertState.valueOf(rs.getString("state")), instant(rs, "escalated_at"),
                instant(rs, "acknowledged_at"), rs.getString("acknowledged_by"));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
