-- reading-days is no longer a stage but a tally written in the commit of resolve's claims (ReadingDaysTally): no new
-- reading gets a reading-days delivery row. The readings still pending in the stage at the upgrade are counted here
-- as the stage would have counted them (ReadingDays.COUNT: the patient's zone, else the organization's, else
-- vitalwire.ingest.billing.default-zone, passed as the placeholder billingzone), and their rows go; the rows
-- of readings it had counted are history, purged with their entries like any stage's.
INSERT INTO patient_reading_day AS d (tenant, patient, day, zone, first_measured_at, last_received_at)
SELECT r.tenant, r.patient, (r.measured_at AT TIME ZONE z.zone)::date, z.zone, min(r.measured_at), max(r.received_at)
FROM (SELECT split_part(i.topic, '/', 3) AS tenant,
             substr(i.patient, strpos(i.patient, '/') + 1) AS patient,
             i.measured_at, i.received_at
      FROM inbox_delivery dl JOIN inbox i ON i.id = dl.entry_id
      WHERE dl.stage = 'reading-days' AND dl.state = 'PENDING' AND i.patient IS NOT NULL) r
CROSS JOIN LATERAL (SELECT COALESCE((SELECT zone FROM patient_time_zone p
                                     WHERE p.tenant = r.tenant AND p.patient = r.patient),
                                    (SELECT zone FROM patient_time_zone o
                                     WHERE o.tenant = r.tenant AND o.patient = ''),
                                    '${billingzone}') AS zone) z
GROUP BY 1, 2, 3, 4
ON CONFLICT (tenant, patient, day) DO UPDATE SET
    first_measured_at = LEAST(d.first_measured_at, EXCLUDED.first_measured_at),
    last_received_at = GREATEST(d.last_received_at, EXCLUDED.last_received_at);

DELETE FROM inbox_delivery WHERE stage = 'reading-days' AND state = 'PENDING';
