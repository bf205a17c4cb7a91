package io.vitalwire.sims.fleet;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where each reading the fleet sent stands in cloud-ingest, key by key, read from its inbox in PostgreSQL: in the
 * inbox (durable; the inbox's reading_key is unique, so at most once), resolved to its patient, written to InfluxDB
 * and to FHIR (its own Observation, or a stream window's), or quarantined. Readings the inbox holds that the fleet
 * never sent are counted too: delivered once means nothing missing, nothing extra.
 */
record FleetDelivery(int sent, int inInbox, int extra, int resolved, int influx, int fhir, int quarantined,
                     List<String> quarantineReasons) {

    /** The stages cloud-ingest declares for an entry (inbox_delivery.stage, lower case since V6). */
    private static final String RESOLVE = "resolve";
    private static final String INFLUX = "influx";
    private static final String FHIR = "fhir";
    /**
     * A quarantined key's form without its device: how its time is keyed ({@code s} sequence, {@code t} device time,
     * {@code r} receive time) and its MDC code — what tells a simulator's key collision from a redelivery.
     */
    private static final String KEY_FORM = "substring(reading_key from '/([rst])[^/]*/[^/]*$') || ' ' || "
            + "substring(reading_key from '/([^/]*)$')";

    /** @param prefix only inbox rows whose key starts with it are counted (the fleet's tenant's gateways) */
    static FleetDelivery of(Connection sql, Collection<String> keys, String prefix) throws SQLException {
        Set<String> sent = new HashSet<>(keys);
        Map<String, Set<String>> done = new HashMap<>();
        int extra = 0;
        int quarantined = 0;
        try (Statement s = sql.createStatement();
             ResultSet rows = s.executeQuery("SELECT i.reading_key, d.stage, d.state FROM inbox i "
                     + "LEFT JOIN inbox_delivery d ON d.entry_id = i.id WHERE i.reading_key LIKE '"
                     + prefix.replace("'", "''") + "%'")) {
            while (rows.next()) {
                String key = rows.getString(1);
                Set<String> stages = done.computeIfAbsent(key, k -> new HashSet<>());
                if ("DONE".equals(rows.getString(3))) {
                    stages.add(rows.getString(2));
                } else if ("QUARANTINED".equals(rows.getString(3))) {
                    stages.add("QUARANTINED");
                }
            }
        }
        // Why, per reason, stage and state, with the first entry's detail: a benchmark's schema is dropped at its
        // end, so what it printed is all that is left to explain an unexpected quarantine.
        List<String> reasons = new ArrayList<>();
        try (Statement s = sql.createStatement();
             ResultSet rows = s.executeQuery("SELECT reason, coalesce(stage, '-'), state, count(*), "
                     + "(array_agg(detail ORDER BY id))[1], string_agg(DISTINCT " + KEY_FORM + ", ', ') "
                     + "FROM quarantine WHERE reading_key LIKE '"
                     + prefix.replace("'", "''") + "%' GROUP BY 1, 2, 3 ORDER BY 4 DESC")) {
            while (rows.next()) {
                quarantined += rows.getInt(4);
                reasons.add(String.format("%d %s at %s, %s (keys: %s; first: %s)", rows.getInt(4),
                        rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(6),
                        abbreviated(rows.getString(5))));
            }
        }
        reasons.addAll(keyConflicts(sql, prefix));
        int inInbox = 0;
        int resolved = 0;
        int influx = 0;
        int fhir = 0;
        for (Map.Entry<String, Set<String>> e : done.entrySet()) {
            if (!sent.contains(e.getKey())) {
                extra++;
                continue;
            }
            inInbox++;
            resolved += e.getValue().contains(RESOLVE) ? 1 : 0;
            influx += e.getValue().contains(INFLUX) ? 1 : 0;
            fhir += e.getValue().contains(FHIR) ? 1 : 0;
            quarantined += e.getValue().contains("QUARANTINED") ? 1 : 0;
        }
        return new FleetDelivery(sent.size(), inInbox, extra, resolved, influx, fhir, quarantined,
                List.copyOf(reasons));
    }

    /**
     * For the first few key conflicts: the key's own time (a receive-time key's milliseconds, else its form), when
     * the held reading was taken in and when the conflicting one arrived, and both topics — what tells a simulator
     * that generated one key twice (times apart) from two copies of one reading (times together).
     */
    private static List<String> keyConflicts(Connection sql, String prefix) throws SQLException {
        List<String> found = new ArrayList<>();
        try (Statement s = sql.createStatement();
             ResultSet rows = s.executeQuery("SELECT coalesce(to_char(to_timestamp(substring(q.reading_key "
                     + "from '/r([0-9]+)/[^/]*$')::bigint / 1000.0) AT TIME ZONE 'UTC', 'HH24:MI:SS.MS'), "
                     + KEY_FORM.replace("reading_key", "q.reading_key") + "), "
                     + "to_char(i.received_at AT TIME ZONE 'UTC', 'HH24:MI:SS.MS'), i.id, i.topic, "
                     + "to_char(q.received_at AT TIME ZONE 'UTC', 'HH24:MI:SS.MS'), q.topic FROM quarantine q "
                     + "JOIN inbox i ON i.reading_key = q.reading_key WHERE q.reason = 'KEY_CONFLICT' "
                     + "AND q.reading_key LIKE '" + prefix.replace("'", "''") + "%' ORDER BY q.id LIMIT 5")) {
            while (rows.next()) {
                found.add(String.format("key time %s: held entry %d taken in %s (%s), conflicting one %s (%s)",
                        rows.getString(1), rows.getLong(3), rows.getString(2), rows.getString(4), rows.getString(5),
                        rows.getString(6)));
            }
        }
        return found;
    }

    /**
     * Whether any reading waits in the stages this check counts (resolve, InfluxDB, FHIR): one look at the partial
     * index of pending entries, cheap enough to poll while the backlog drains.
     */
    static boolean anyWaiting(Connection sql) throws SQLException {
        try (Statement s = sql.createStatement();
             ResultSet rows = s.executeQuery("SELECT EXISTS (SELECT 1 FROM inbox_delivery WHERE state = 'PENDING' "
                     + "AND stage IN ('" + RESOLVE + "', '" + INFLUX + "', '" + FHIR + "'))")) {
            rows.next();
            return rows.getBoolean(1);
        }
    }

    private static String abbreviated(String detail) {
        return detail == null || detail.length() <= 200 ? detail : detail.substring(0, 200) + "…";
    }

    /** Every reading sent is in the inbox, resolved and in InfluxDB and FHIR; none quarantined, none extra. */
    boolean complete() {
        return inInbox == sent && extra == 0 && resolved == sent && influx == sent && fhir == sent
                && quarantined == 0;
    }

    @Override
    public String toString() {
        return String.format("%d sent: %d in the inbox, %d resolved, %d in InfluxDB, %d in FHIR, %d quarantined, "
                + "%d not sent%s", sent, inInbox, resolved, influx, fhir, quarantined, extra,
                quarantineReasons.isEmpty() ? "" : " — quarantined: " + String.join("; ", quarantineReasons));
    }
}
