-- The operator's fleet view and the clinic's RPM billing view (issue 16, section 4). See io.vitalwire.ingest.fleet
-- and io.vitalwire.ingest.billing, and README.md "Fleet view" and "RPM billing eligibility".

-- The fleet view lists hubs page by page in (tenant, gateway) order, from gateway_presence (its primary key) and
-- from gateway_tenant (registered hubs never heard of), and each hub's devices.
CREATE INDEX gateway_tenant_tenant ON gateway_tenant (tenant, gateway);
CREATE INDEX device_installation_gateway ON device_installation (tenant, gateway, device);

-- Each patient's days with at least one reading, a day being a calendar date in the patient's time zone (zone: the
-- one in force when the day was counted) and decided by the reading's measurement time, not its arrival: a backlog
-- measured on day D and delivered days later counts for day D. Written by the reading-days stage once the reading's
-- owner is known; idempotent (a reading handled twice changes nothing). No values, no reading keys: a day is all a
-- billing report needs. first_measured_at: the day's earliest measurement; last_received_at: the latest arrival that
-- counted for it (a day completed by a late backlog shows it).
CREATE TABLE patient_reading_day (
    tenant            TEXT        NOT NULL,
    patient           TEXT        NOT NULL,
    day               DATE        NOT NULL,
    zone              TEXT        NOT NULL,
    first_measured_at TIMESTAMPTZ NOT NULL,
    last_received_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant, patient, day)
);

-- Patients' time zones (IANA names), set through the admin API; patient '' is the organization's default for its
-- patients without one. Neither: vitalwire.ingest.billing.default-zone. Writes are audited in admin_audit.
CREATE TABLE patient_time_zone (
    tenant     TEXT        NOT NULL,
    patient    TEXT        NOT NULL DEFAULT '',
    zone       TEXT        NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by TEXT        NOT NULL,
    PRIMARY KEY (tenant, patient)
);
