package io.vitalwire.ingest.notify;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Where FHIR holds an alert's reading, as far as cloud-ingest knows already: never asked of the FHIR server, so a
 * slow or failing FHIR server cannot delay a webhook. Two index lookups on what the {@code fhir} stage recorded:
 * a spot reading's outcome in the inbox ({@code delivered Observation/12}), or, for a stream sample, its window's
 * Observation once a write holding the sample has succeeded. Plain reads: they wait for no lock.
 */
final class ObservationReference {

    private ObservationReference() {
    }

    /** @return {@code Observation/<id>}, or null when it is not written yet (or the entry was purged) */
    static String find(Connection c, String readingKey) throws SQLException {
        if (readingKey == null) {
            return null;
        }
        // 'fhir' and the outcome's wording are the fhir stage's (FhirStage); DONE is InboxState's.
        try (PreparedStatement select = c.prepareStatement("SELECT substring(d.outcome from "
                + "'^delivered (Observation/[^ /]+)$') FROM inbox i JOIN inbox_delivery d ON d.entry_id = i.id "
                + "WHERE i.reading_key = ? AND d.stage = 'fhir' AND d.state = 'DONE' "
                + "UNION ALL SELECT w.observation FROM window_sample s JOIN stream_window w ON w.id = s.window_id "
                + "WHERE s.reading_key = ? AND s.version <= w.written_version")) {
            select.setString(1, readingKey);
            select.setString(2, readingKey);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    if (rs.getString(1) != null) {
                        return rs.getString(1);
                    }
                }
                return null;
            }
        }
    }
}
